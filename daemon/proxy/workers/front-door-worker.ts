/**
 * A front-door worker's entry (`herve up --workers N`), forked by the daemon: it serves the
 * daemon's listening sockets with the daemon's routes, and sends back what it served, in batches.
 * It exits when its IPC channel closes, so a daemon killed with -9 leaves no worker holding the port.
 */
import type { Server } from 'node:net';
import { describeError } from '../../shared/errors.js';
import { startFrontDoor, type FrontDoor } from '../front-door.js';
import { ownRequestForwarder } from './forward-own.js';
import type { FromWorker, ToWorker, WorkerSettings } from './messages.js';
import { SnapshotRoutes } from './snapshot-routes.js';
import { WorkerOutbox } from './worker-outbox.js';

function send(message: FromWorker): void {
  if (process.connected) process.send?.(message);
}

const log = (message: string) => send({ type: 'log', message });

let settings: WorkerSettings | undefined;
const sockets: Server[] = [];
let door: FrontDoor | undefined;
let routes: SnapshotRoutes | undefined;
let outbox: WorkerOutbox | undefined;

async function start(given: WorkerSettings): Promise<void> {
  const box = new WorkerOutbox(given.tracing, send);
  outbox = box;
  routes = new SnapshotRoutes(given.routes, (target, status, failure) => box.report(target, status, failure));
  door = await startFrontDoor({
    port: 0,
    routes,
    journal: box,
    allowedHosts: given.allowedHosts,
    upstreamTimeoutMs: given.upstreamTimeoutMs,
    worker: { listening: sockets, forwardOwn: ownRequestForwarder(given.ownSocket) },
    log,
  });
  send({ type: 'ready' });
}

async function close(): Promise<void> {
  await door?.close();
  outbox?.flush();
  process.disconnect();
}

process.on('message', (message: ToWorker, handle: unknown) => {
  switch (message.type) {
    case 'init':
      settings = message.settings;
      return;
    case 'listen':
      sockets.push(handle as Server);
      if (settings !== undefined && sockets.length === settings.sockets)
        start(settings).catch((error: unknown) => {
          log(`could not start: ${describeError(error)}`);
          process.exit(1);
        });
      return;
    case 'routes':
      routes?.apply(message.routes);
      return;
    case 'inFlight':
      send({ type: 'inFlight', id: message.id, count: door?.inFlight(message.port) ?? 0 });
      return;
    case 'close':
      void close();
      return;
  }
});

// The daemon is gone (or closed the channel): nothing may keep its port.
process.on('disconnect', () => process.exit(0));
// Signals are the daemon's: it closes its workers itself.
process.on('SIGINT', () => undefined);
// A worker is cheap to replace: the daemon starts another.
process.on('uncaughtException', (error) => {
  log(`uncaught error, exiting: ${error.stack ?? String(error)}`);
  process.exit(1);
});
