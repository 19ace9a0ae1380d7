// The inspector (key i) rendered by ink-testing-library over a real daemon and a real service.
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { SocketDaemonClient } from '../../cli/client/index.js';
import { Dashboard } from '../../cli/tui/Dashboard.js';
import { cleanUpAfterEach, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { KEYS, waitForFrame } from './frame.js';

const seenPids = new Set<number>();
const mounted: Array<ReturnType<typeof render>> = [];
afterEach(() => {
  for (const app of mounted.splice(0)) app.unmount();
});
cleanUpAfterEach(seenPids);

async function webDaemon(): Promise<TestDaemon> {
  const daemon = await startDaemon();
  const info = await daemon.client.call('register', fixtureService('web', 'echo-headers.mjs'));
  for (const instance of info.instances) if (instance.pid) seenPids.add(instance.pid);
  return daemon;
}

function showDashboard(daemon: TestDaemon) {
  const app = render(
    <Dashboard
      connect={(timeoutMs) => SocketDaemonClient.connect(daemon.paths.socket, 'herve-tui-test', { helloTimeoutMs: timeoutMs })}
      socketPath={daemon.paths.socket}
      retryMs={50}
      flushMs={20}
    />,
  );
  mounted.push(app);
  return app;
}

async function send(daemon: TestDaemon, path: string, headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${daemon.proxyPort}/web${path}`, { headers });
  await response.arrayBuffer();
}

describe('the request inspector', () => {
  it("lists the selected service's requests live, opens one with its headers masked and its log lines", async () => {
    const daemon = await webDaemon();
    await send(daemon, '/before-open');
    const app = showDashboard(daemon);
    await waitForFrame(app, (frame) => frame.includes('● connected') && frame.includes('web'));
    expect(app.lastFrame()).toContain('i requests');
    app.stdin.write('i');
    let frame = await waitForFrame(app, (text) => text.includes('requests · web') && text.includes('/web/before-open'));
    expect(frame).toContain('Enter headers & log lines');

    // Live: a request made now shows up without reopening.
    await send(daemon, '/private?status=503', {
      authorization: 'Bearer sk-live-123',
      cookie: 'session=abc',
      'x-api-key': 'k-1',
      accept: 'text/plain',
      'x-request-id': 'inspect-1',
    });
    frame = await waitForFrame(app, (text) => text.includes('/web/private?status=503'));
    expect(frame).toMatch(/› \d{2}:\d{2}:\d{2}\.\d{3} GET\s+503\s+\S+ms\s+web\[0\]\s+\/web\/private\?status=503/);

    app.stdin.write(KEYS.enter);
    frame = await waitForFrame(app, (text) => text.includes('accept: text/plain') && text.includes('handled GET /private?status=503 request inspect-1'));
    expect(frame).toContain('request inspect-1');
    expect(frame).toMatch(/authorization: \*\*\*/i);
    expect(frame).toMatch(/cookie: \*\*\*/i);
    expect(frame).toMatch(/x-api-key: \*\*\*/i);
    expect(frame).not.toContain('sk-live-123');
    expect(frame).not.toContain('session=abc');
    expect(frame).toContain('Esc back to the requests');

    // Esc: back to the list, the opened request still held while newer ones arrive; ↑ the older one, ↓ follows again.
    app.stdin.write(KEYS.escape);
    await waitForFrame(app, (text) => text.includes('❚❚ holding') && /› \S+ GET\s+503/.test(text));
    await send(daemon, '/newer');
    frame = await waitForFrame(app, (text) => text.includes('/web/newer'));
    expect(frame).toMatch(/› \S+ GET\s+503\s+\S+\s+web\[0\]\s+\/web\/private/);
    app.stdin.write(KEYS.up);
    frame = await waitForFrame(app, (text) => /› \S+ GET\s+200\s+\S+\s+web\[0\]\s+\/web\/before-open/.test(text));
    app.stdin.write(KEYS.down);
    app.stdin.write(KEYS.down);
    frame = await waitForFrame(app, (text) => text.includes('▶ following'));
    expect(frame).toMatch(/› \S+ GET\s+200\s+\S+\s+web\[0\]\s+\/web\/newer/);
    app.stdin.write('i');
    await waitForFrame(app, (text) => !text.includes('requests · web') && text.includes('logs · web'));
  });
});
