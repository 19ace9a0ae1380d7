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
let sockets = 0;
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
    worker: { forwardOwn: ownRequestForwarder(given.ownSocket) },
    log,
  });
  // The listening sockets come once the handlers are there to take each at once.
  send({ type: 'prepared' });
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
      start(settings).catch((error: unknown) => {
        log(`could not start: ${describeError(error)}`);
        process.exit(1);
      });
      return;
    case 'listen':
      door?.serve(handle as Server);
      if (++sockets === settings?.sockets) send({ type: 'ready' });
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
