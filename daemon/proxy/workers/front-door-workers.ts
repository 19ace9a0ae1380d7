import { fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:net';
import type { RouteTable } from '../../shared/contracts.js';
import type { RouteIndex } from '../route-match.js';
import type { FromWorker, RouteSnapshot, ToWorker, WorkerSettings } from './messages.js';
import { snapshotOf } from './snapshot-routes.js';
import { packagePath } from '../../../platform/package-root.js';

type WorkerBatch = Extract<FromWorker, { type: 'batch' }>;

export interface FrontDoorWorkersOptions {
  /** Workers besides the daemon's own front door (`--workers N` starts N - 1). */
  count: number;
  /** The daemon's plain listening sockets, shared with every worker. */
  listening: readonly Server[];
  routes: RouteTable & { routeIndex(): RouteIndex };
  /** Called on every change the routes may follow (the orchestrator's events); returns the unsubscribe. */
  onRoutesChanged(listener: () => void): () => void;
  /** Records what a worker served as if the daemon had (stats, access log, passive health). */
  adopt(batch: WorkerBatch): void;
  settings: Omit<WorkerSettings, 'index' | 'sockets' | 'routes'>;
  log(message: string): void;
}

/** One worker's place: the process in it changes when one crashes and another is started. */
interface Slot {
  index: number;
  child: ChildProcess | null;
  ready: boolean;
  served: number;
  restarts: number;
  /** Crashes in a row, each within CRASH_WINDOW_MS of its start: the next start waits longer. */
  crashesInARow: number;
  startedAt: number;
}

/** What `/_herve/workers` shows of each front-door process. */
export interface FrontDoorProcess {
  index: number;
  pid: number | null;
  /** Listening on the shared sockets (a worker just started is not yet). */
  serving: boolean;
  served: number;
  restarts: number;
}

// Found from the package, not from this file: bundled, this file lives in a chunk.
const WORKER_ENTRY = packagePath('dist/daemon/proxy/workers/front-door-worker.js');
const READY_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 3_000;
const IN_FLIGHT_ANSWER_MS = 1_000;
const CRASH_WINDOW_MS = 10_000;
const RESTART_DELAY_MS = 100;
const MAX_RESTART_DELAY_MS = 5_000;
/** Route changes come with events; this catches one that did not (a cheap comparison when nothing changed). */
const RESYNC_MS = 1_000;

/**
 * The front door's extra processes (`herve up --workers N`): each serves the daemon's listening
 * sockets (the kernel spreads connections among them and the daemon), routes by the daemon's
 * snapshot, and sends back what it served in batches. A worker that exits is replaced; the daemon
 * asks every worker before it calls an instance drained.
 */
export class FrontDoorWorkers {
  private readonly slots: Slot[] = [];
  private readonly answers = new Map<number, { resolve(count: number): void; child: ChildProcess }>();
  private nextQuery = 1;
  private lastRoutes = '';
  private routesDirty = false;
  private closing = false;
  private readonly unsubscribe: () => void;
  private readonly resync: NodeJS.Timeout;

  constructor(private readonly options: FrontDoorWorkersOptions) {
    for (let index = 1; index <= options.count; index++)
      this.slots.push({ index, child: null, ready: false, served: 0, restarts: 0, crashesInARow: 0, startedAt: 0 });
    this.unsubscribe = options.onRoutesChanged(() => this.routesChanged());
    this.resync = setInterval(() => this.syncRoutes(), RESYNC_MS).unref();
  }

  /** Starts every worker; resolves once each is serving (or has had its time to). */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((slot) => this.spawn(slot)));
  }

  processes(): FrontDoorProcess[] {
    return this.slots.map((slot) => ({ index: slot.index, pid: slot.child?.pid ?? null, serving: slot.ready, served: slot.served, restarts: slot.restarts }));
  }

  /**
   * Requests in flight to `port` in every worker. The current routes go first on each channel, which
   * keeps its order: every answer counts what the worker sent after it stopped routing to a retired port.
   */
  async inFlight(port: number): Promise<number> {
    this.syncRoutes();
    const counts = await Promise.all(this.slots.map((slot) => (slot.child === null ? 0 : this.ask(slot.child, port))));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.unsubscribe();
    clearInterval(this.resync);
    await Promise.all(this.slots.map((slot) => (slot.child === null ? undefined : stopChild(slot.child))));
  }

  private spawn(slot: Slot): Promise<void> {
    const child = fork(WORKER_ENTRY, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    slot.child = child;
    slot.ready = false;
    slot.startedAt = Date.now();
    const ready = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.options.log(`front-door worker ${slot.index} (pid ${child.pid}) was not serving within ${READY_TIMEOUT_MS / 1000} s`);
        resolve();
      }, READY_TIMEOUT_MS);
      child.on('message', (message: FromWorker) => {
        if (message.type === 'ready') {
          slot.ready = true;
          slot.crashesInARow = 0;
          clearTimeout(timer);
          this.options.log(`front-door worker ${slot.index} serving (pid ${child.pid})`);
          resolve();
        } else if (message.type === 'prepared') {
          for (const server of this.options.listening) child.send({ type: 'listen' } satisfies ToWorker, server);
        } else this.received(slot, message);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve();
        this.exited(slot, child, signal ?? `code ${code}`);
      });
    });
    const { listening } = this.options;
    const routes = this.syncRoutes();
    this.send(child, { type: 'init', settings: { ...this.options.settings, index: slot.index, sockets: listening.length, routes } });
    return ready;
  }

  private received(slot: Slot, message: FromWorker): void {
    switch (message.type) {
      case 'batch':
        slot.served += message.requests.length;
        this.options.adopt(message);
        return;
      case 'inFlight':
        this.answers.get(message.id)?.resolve(message.count);
        return;
      case 'log':
        this.options.log(`front-door worker ${slot.index}: ${message.message}`);
        return;
      case 'ready':
      case 'prepared':
        return;
    }
  }

  private exited(slot: Slot, child: ChildProcess, how: string): void {
    for (const answer of this.answers.values()) if (answer.child === child) answer.resolve(0);
    if (slot.child !== child) return;
    slot.child = null;
    slot.ready = false;
    if (this.closing) return;
    slot.crashesInARow = Date.now() - slot.startedAt < CRASH_WINDOW_MS ? slot.crashesInARow + 1 : 1;
    const delay = Math.min(RESTART_DELAY_MS * 2 ** (slot.crashesInARow - 1), MAX_RESTART_DELAY_MS);
    this.options.log(`front-door worker ${slot.index} (pid ${child.pid}) exited (${how}); starting another in ${delay} ms`);
    setTimeout(() => {
      if (this.closing) return;
      slot.restarts += 1;
      void this.spawn(slot);
    }, delay).unref();
  }

  private ask(child: ChildProcess, port: number): Promise<number> {
    const id = this.nextQuery++;
    return new Promise((resolve) => {
      // No answer in time: count it busy, so the drain waits (up to its own deadline) rather than cut requests.
      const timer = setTimeout(() => done(1), IN_FLIGHT_ANSWER_MS);
      const done = (count: number) => {
        clearTimeout(timer);
        this.answers.delete(id);
        resolve(count);
      };
      this.answers.set(id, { resolve: done, child });
      if (!this.send(child, { type: 'inFlight', id, port })) done(0);
    });
  }

  private routesChanged(): void {
    if (this.routesDirty) return;
    this.routesDirty = true;
    setImmediate(() => this.syncRoutes());
  }

  /** Sends the routes to every worker when they differ from the last ones sent; returns them. */
  private syncRoutes(): RouteSnapshot {
    this.routesDirty = false;
    const routes = snapshotOf(this.options.routes);
    const text = JSON.stringify(routes);
    if (text === this.lastRoutes) return routes;
    this.lastRoutes = text;
    for (const slot of this.slots) if (slot.child !== null) this.send(slot.child, { type: 'routes', routes });
    return routes;
  }

  private send(child: ChildProcess, message: ToWorker): boolean {
    if (!child.connected) return false;
    child.send(message);
    return true;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'close' } satisfies ToWorker);
    else child.kill('SIGTERM');
  });
}
