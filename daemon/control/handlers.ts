import { PROTOCOL_VERSION, requestFilter, type LogLine, type Method, type Params, type Result, type ServiceTypeInfo } from '../../protocol/index.js';
import type { ServiceControl } from '../shared/contracts.js';
import type { ProjectApplier } from '../project/project-applier.js';
import type { RequestJournal } from '../requests/request-journal.js';
import { HerveError } from '../shared/errors.js';
import { compileGrep, type LineMatcher } from '../logs/grep-pattern.js';
import type { Connection } from './connection.js';

export type Handler<M extends Method> = (params: Params<M>, connection: Connection) => Result<M> | Promise<Result<M>>;
/** Every method has a handler: a missing one is a compile error. */
export type HandlerMap = { [M in Method]: Handler<M> };

export interface DaemonFacts {
  pid: number;
  startedAt: number;
  home: string;
  socket: string;
  proxyPort(): number | null;
  /** The bus URL as shown (masked), or null. */
  bus: string | null;
  httpsPort(): number | null;
}

/** What the handlers need; the control server supplies it. */
export interface HandlerDeps {
  control: ServiceControl;
  project: Pick<ProjectApplier, 'apply' | 'state'>;
  types(): ServiceTypeInfo[];
  facts: DaemonFacts;
  tailLogs(query: { service?: string; lines: number; grep?: LineMatcher }): Promise<LogLine[]>;
  requests: Pick<RequestJournal, 'recentRequests' | 'headersOf'>;
  subscribe(connection: Connection, topics: string[]): void;
  /** Begins the daemon's shutdown after the reply is written. */
  requestShutdown(): void;
}

export function createHandlers(deps: HandlerDeps): HandlerMap {
  const { control, facts } = deps;
  return {
    hello: ({ version }) => {
      if (version !== PROTOCOL_VERSION) {
        throw new HerveError(
          'version_mismatch',
          `this daemon speaks protocol v${PROTOCOL_VERSION}, the client v${version}`,
          'use the herve that started the daemon, or restart it: herve down && herve up',
        );
      }
      return {
        version: PROTOCOL_VERSION,
        pid: facts.pid,
        startedAt: facts.startedAt,
        home: facts.home,
        socket: facts.socket,
        proxyPort: facts.proxyPort(),
        bus: facts.bus,
        httpsPort: facts.httpsPort(),
      };
    },
    ping: () => ({ pong: true, pid: facts.pid, uptimeMs: Date.now() - facts.startedAt }),
    list: () => ({ services: control.list() }),
    get: ({ service }) => control.get(service),
    types: () => ({ types: deps.types() }),
    register: (spec) => control.register(spec),
    unregister: ({ service }) => control.unregister(service),
    start: ({ service, wait }) => control.start(service, wait),
    stop: ({ service, wait }) => control.stop(service, wait),
    restart: ({ service, wait, rolling }) => control.restart(service, wait, rolling),
    update: ({ service, spec }) => control.update(service, spec),
    logs: async ({ service, lines, grep }) => {
      const name = service === undefined ? undefined : control.get(service).name;
      return { lines: await deps.tailLogs({ service: name, lines, grep: compileGrep(grep) }) };
    },
    requests: async ({ service, lines, status, slowMs }) => {
      const name = service === undefined ? undefined : control.get(service).name;
      return { requests: await deps.requests.recentRequests({ service: name, lines, accept: requestFilter(status, slowMs) }) };
    },
    requestHeaders: ({ service, requestId }) => {
      const { name } = control.get(service);
      const headers = deps.requests.headersOf(name, requestId);
      if (headers !== null) return headers;
      throw new HerveError(
        'not_found',
        `no headers kept for request ${requestId} of ${name}`,
        `the front door keeps the headers of each service's last requests only; recent ones: herve requests ${name}`,
      );
    },
    stats: () => control.stats(),
    subscribe: ({ topics }, connection) => {
      deps.subscribe(connection, topics);
      return { topics: [...connection.topics] };
    },
    announce: (params) => control.announce(params),
    leave: ({ name, url }) => control.leave(name, url),
    apply: (params) => deps.project.apply(params),
    project: () => deps.project.state(),
    shutdown: () => {
      deps.requestShutdown();
      return { stopping: true };
    },
  };
}
