// The dashboard against a real Unix socket whose owner accepts connections and never answers:
// each attempt must give up on time and close its socket, so retries do not pile sockets up.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Dashboard } from '../../cli/tui/Dashboard.js';
import { daemonConnector } from '../../cli/tui/launch.js';
import { waitForFrame, waitUntil } from './frame.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** A "daemon" that accepts and stays silent; counts the sockets its clients still hold open. */
async function hungDaemon(): Promise<{ socketPath: string; accepted: () => number; open: () => number }> {
  const dir = mkdtempSync('/tmp/hv-');
  const socketPath = join(dir, 'herve.sock');
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    // Read (and ignore) the hello, so the client's end of the connection is seen.
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { socketPath, accepted: () => accepted, open: () => sockets.size };
}

describe('a daemon that accepts but never says hello', () => {
  it('each attempt times out and closes its socket; the dashboard keeps retrying', async () => {
    const daemon = await hungDaemon();
    const app = render(<Dashboard connect={daemonConnector(daemon.socketPath)} socketPath={daemon.socketPath} retryMs={50} answerWithinMs={100} />);
    cleanups.push(() => app.unmount());
    await waitForFrame(app, (text) => text.includes('disconnected — retrying') && text.includes('did not answer within 0.1 s'));
    await waitUntil(() => daemon.accepted() >= 4, 'several attempts');
    // At most the attempt under way holds a socket; every earlier one was closed on its timeout.
    await waitUntil(() => daemon.open() <= 1, 'timed-out sockets to close');
    expect(daemon.open()).toBeLessThanOrEqual(1);
    app.unmount();
    await waitUntil(() => daemon.open() === 0, 'the last socket to close after unmount');
  });
});
