import { afterEach, describe, expect, it } from 'vitest';
import { FakeDaemon, makeService } from './fake-daemon.js';
import { KEYS, waitForFrame, waitUntil } from './frame.js';
import { show, unmountAll } from './show-dashboard.js';
import { itemAt } from '../helpers/item-at.js';

afterEach(unmountAll);

/** Press n, keep the first type (echo) and stop at the name field. */
async function openRegisterFormAtName(app: ReturnType<typeof show>): Promise<void> {
  app.stdin.write('n');
  await waitForFrame(app, (text) => text.includes('Register a service'));
  app.stdin.write(KEYS.enter);
  await waitForFrame(app, (text) => text.includes('› name'));
}

/** The name in the table row marked as selected. */
const selectedName = (frame: string) => /│› (\S+)/.exec(frame)?.[1] ?? null;

describe('services table', () => {
  it('shows every status with its symbol, and – for absent figures', async () => {
    // The README's symbols, the same as `herve ls` prints.
    const labels = {
      running: '● running',
      starting: '◔ starting',
      stopping: '◕ stopping',
      stopped: '○ stopped',
      unhealthy: '▲ unhealthy',
      crashed: '✖ crashed',
    } as const;
    const statuses = Object.keys(labels) as (keyof typeof labels)[];
    const daemon = new FakeDaemon(statuses.map((status) => makeService(`svc-${status}`, { status })));
    const app = show(daemon);
    const frame = await waitForFrame(app, (text) => text.includes('svc-unhealthy'));
    for (const status of statuses) {
      const row = frame.split('\n').find((line) => line.includes(`svc-${status} `)) ?? '';
      expect(row, `row of ${status}`).toContain(labels[status]);
    }
    expect(frame).toContain('–');
    expect(frame).toContain('● connected');
  });

  it('fills CPU and memory from stats events', async () => {
    const daemon = new FakeDaemon([makeService('echo')]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('echo'));
    daemon.stats(() => ({ cpuPercent: 12.25, rssBytes: 52 * 1024 * 1024 }));
    const frame = await waitForFrame(app, (text) => text.includes('12.3%'));
    expect(frame).toContain('52M');
  });

  it('moves the selection with j/k and the arrow keys', async () => {
    const daemon = new FakeDaemon([makeService('alpha'), makeService('bravo'), makeService('charlie')]);
    const app = show(daemon);
    await waitForFrame(app, (text) => selectedName(text) === 'alpha');
    app.stdin.write('j');
    await waitForFrame(app, (text) => selectedName(text) === 'bravo');
    app.stdin.write(KEYS.down);
    await waitForFrame(app, (text) => selectedName(text) === 'charlie');
    app.stdin.write('k');
    const frame = await waitForFrame(app, (text) => selectedName(text) === 'bravo');
    // The detail pane follows the selection.
    expect(frame).toContain('services/bravo.js');
  });

  it('scrolls a long table to keep the selection in view', async () => {
    const daemon = new FakeDaemon(Array.from({ length: 50 }, (_, i) => makeService(`svc-${String(i).padStart(2, '0')}`)));
    const app = show(daemon);
    await waitForFrame(app, (text) => selectedName(text) === 'svc-00');
    // Keys faster than renders: each must still count, also when several arrive in one chunk.
    for (let i = 0; i < 25; i++) app.stdin.write('j');
    app.stdin.write('jjjjj');
    const frame = await waitForFrame(app, (text) => selectedName(text) === 'svc-30');
    expect(frame).not.toMatch(/│ {2}svc-00 /);
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
  });

  it('narrows the table with the / filter and clears it with Esc', async () => {
    const daemon = new FakeDaemon([makeService('api'), makeService('web'), makeService('worker')]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('worker'));
    app.stdin.write('/');
    await waitForFrame(app, (text) => text.includes('filter services'));
    app.stdin.write('w');
    app.stdin.write('o');
    let frame = await waitForFrame(app, (text) => !text.includes(' api ') && !text.includes(' web '));
    expect(frame).toContain('worker');
    app.stdin.write(KEYS.enter);
    frame = await waitForFrame(app, (text) => text.includes('filter: wo'));
    expect(frame).toContain('(1 shown)');
    app.stdin.write(KEYS.escape);
    await waitForFrame(app, (text) => text.includes(' api ') && text.includes(' web '));
  });
});

describe('actions', () => {
  it('x asks, y stops the selected service, and the row shows it stopped', async () => {
    const daemon = new FakeDaemon([makeService('echo')]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('● running'));
    app.stdin.write('x');
    await waitForFrame(app, (text) => text.includes('Stop echo? (y/n)'));
    expect(daemon.callsOf('stop')).toHaveLength(0);
    app.stdin.write('y');
    await waitForFrame(app, (text) => text.includes('✔ echo is stopped') && text.includes('○ stopped'));
    expect(itemAt(daemon.callsOf('stop'), 0).params).toEqual({ service: 'echo' });
  });

  it('x then n cancels without calling the daemon', async () => {
    const daemon = new FakeDaemon([makeService('echo')]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('● running'));
    app.stdin.write('x');
    await waitForFrame(app, (text) => text.includes('(y/n)'));
    app.stdin.write('n');
    await waitForFrame(app, (text) => text.includes('cancelled'));
    expect(daemon.callsOf('stop')).toHaveLength(0);
  });

  it('s starts and r restarts the selected service', async () => {
    const daemon = new FakeDaemon([makeService('echo', { status: 'stopped' })]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('○ stopped'));
    app.stdin.write('s');
    await waitForFrame(app, (text) => text.includes('✔ echo is running') && text.includes('● running'));
    expect(itemAt(daemon.callsOf('start'), 0).params).toEqual({ service: 'echo' });
    app.stdin.write('r');
    await waitUntil(() => daemon.callsOf('restart').length === 1, 'a restart call');
  });

  it('shows a daemon error and its hint in the status line', async () => {
    const daemon = new FakeDaemon([makeService('echo')]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('echo'));
    daemon.services.delete('echo');
    app.stdin.write('s');
    await waitForFrame(app, (text) => text.includes('✖ no service named "echo"'));
  });

  it('d asks, then unregisters and the row disappears', async () => {
    const daemon = new FakeDaemon([makeService('echo'), makeService('web')]);
    const app = show(daemon);
    await waitForFrame(app, (text) => selectedName(text) === 'echo');
    app.stdin.write('d');
    await waitForFrame(app, (text) => text.includes('Unregister echo?'));
    app.stdin.write('y');
    await waitForFrame(app, (text) => text.includes('echo unregistered') && selectedName(text) === 'web');
    expect(daemon.services.has('echo')).toBe(false);
  });

  it('n opens the register form; it submits type, name, replicas and the command line', async () => {
    const daemon = new FakeDaemon([makeService('echo')]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('echo'));
    app.stdin.write('n');
    await waitForFrame(app, (text) => text.includes('Register a service'));
    // Types come from the daemon: echo, static, command. Pick command.
    app.stdin.write('j');
    app.stdin.write('j');
    await waitForFrame(app, (text) => /type\s+command/.test(text));
    app.stdin.write(KEYS.enter);
    await waitForFrame(app, (text) => text.includes('› name'));
    for (const char of 'api') app.stdin.write(char);
    await waitForFrame(app, (text) => /name\s+api/.test(text));
    app.stdin.write(KEYS.enter);
    await waitForFrame(app, (text) => text.includes('› replicas'));
    app.stdin.write(KEYS.backspace);
    app.stdin.write('2');
    await waitForFrame(app, (text) => /replicas\s+2/.test(text));
    app.stdin.write(KEYS.enter);
    await waitForFrame(app, (text) => text.includes('› command'));
    app.stdin.write("node server.js --greeting 'hi there'");
    await waitForFrame(app, (text) => text.includes('hi there'));
    app.stdin.write(KEYS.enter);
    await waitForFrame(app, (text) => text.includes('api registered'));
    expect(itemAt(daemon.callsOf('register'), 0).params).toEqual({
      type: 'command',
      name: 'api',
      replicas: 2,
      command: 'node',
      args: ['server.js', '--greeting', 'hi there'],
      cwd: process.cwd(),
    });
  });

  it('a chunk with text and Enter together (fast typing, paste) types the text and moves on', async () => {
    const daemon = new FakeDaemon([]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('no services yet'));
    await openRegisterFormAtName(app);
    app.stdin.write('fast\r');
    await waitForFrame(app, (text) => text.includes('› replicas') && /name\s+fast/.test(text));
    app.stdin.write('3\r');
    await waitForFrame(app, (text) => text.includes('fast registered'));
    expect(itemAt(daemon.callsOf('register'), 0).params).toEqual({ type: 'echo', name: 'fast', replicas: 3 });
  });

  it('the register form refuses a bad name without calling the daemon', async () => {
    const daemon = new FakeDaemon([]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('no services yet'));
    await openRegisterFormAtName(app);
    app.stdin.write('Bad_Name');
    app.stdin.write(KEYS.enter);
    await waitForFrame(app, (text) => text.includes('› replicas'));
    app.stdin.write(KEYS.enter);
    await waitForFrame(app, (text) => text.includes('✖ name must be'));
    expect(daemon.callsOf('register')).toHaveLength(0);
    app.stdin.write(KEYS.escape);
    await waitForFrame(app, (text) => !text.includes('Register a service'));
  });
});
