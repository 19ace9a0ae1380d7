/**
 * What the daemon and its front-door workers say over their IPC channel (node's JSON serialization).
 * Both ends are this build of Herve, started together; nothing else writes to the channel.
 */
import type { FinishedRequest } from '../../requests/request-journal.js';
import type { RouteTarget } from '../../shared/contracts.js';
import type { NamedRoute } from '../route-match.js';

/** Everything a worker routes by: the route specs and each service's ready targets, as the daemon sees them now. */
export interface RouteSnapshot {
  routes: readonly NamedRoute[];
  targets: ReadonlyArray<readonly [name: string, targets: RouteTarget[]]>;
}

/** One passive-health report (`RouteTable.report`); a run of the same answer from one target is sent once. */
export type UpstreamReport = [target: RouteTarget, status: number, failure: string | null];

export interface WorkerSettings {
  /** 1.. : the daemon is front door 0. */
  index: number;
  /** How many listening sockets the daemon sends, each in a `listen` message, once the worker is `prepared`. */
  sockets: number;
  ownSocket: string;
  allowedHosts: readonly string[];
  upstreamTimeoutMs: number | undefined;
  tracing: boolean;
  routes: RouteSnapshot;
}

export type ToWorker =
  | { type: 'init'; settings: WorkerSettings }
  | { type: 'listen' }
  | { type: 'routes'; routes: RouteSnapshot }
  | { type: 'inFlight'; id: number; port: number }
  | { type: 'close' };

export type FromWorker =
  | { type: 'prepared' }
  | { type: 'ready' }
  | { type: 'batch'; requests: FinishedRequest[]; reports: UpstreamReport[] }
  | { type: 'inFlight'; id: number; count: number }
  | { type: 'log'; message: string };
