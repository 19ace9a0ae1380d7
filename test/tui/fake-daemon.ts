// An in-memory daemon behind the DaemonClient interface: a test double for the dashboard,
// which is what these tests exercise (the real daemon is tested on its own, and end to end).
import {
  HealthSpec,
  PROTOCOL_VERSION,
  RegisterSpec,
  RestartSpec,
  type Event,
  type LogLine,
  type Method,
  type ParamsInput,
  type Result,
  type ServiceInfo,
  type ServiceStatus,
  type ServiceTypeInfo,
  type StatsSnapshot,
} from '../../protocol/index.js';
import type { DaemonClient, EventListener } from '../../cli/client/index.js';
import { DaemonRequestError, DaemonUnresponsiveError } from '../../cli/client/index.js';

let nextUuid = 1;

export function makeService(name: string, overrides: Partial<ServiceInfo> = {}): ServiceInfo {
  const status: ServiceStatus = overrides.status ?? 'running';
  const live = status === 'running' || status === 'unhealthy' || status === 'starting';
  return {
    uuid: `uuid-${nextUuid++}`,
    name,
    type: 'echo',
    description: `${name} service`,
    command: 'node',
    args: [`services/${name}.js`],
    cwd: null,
    env: {},
    options: {},
    replicas: 1,
    health: HealthSpec.parse({}),
    restart: RestartSpec.parse({}),
    port: null,
    route: { path: `/${name}`, hosts: [] },
    stop: { signal: 'SIGTERM', graceMs: 5000 },
    watch: null,
    source: null,
    dependsOn: [],
    roll: null,
    desired: live ? 'running' : 'stopped',
    status,
    instances: [
      {
        index: 0,
        pid: live ? 4000 + nextUuid : null,
        port: live ? 41000 + nextUuid : null,
        status: status === 'crashed' ? 'crashed' : status,
        ready: status === 'running',
        startedAt: live ? Date.now() - 65_000 : null,
        restarts: 0,
        lastExit: null,
      },
    ],
    restarts: 0,
    createdAt: Date.now(),
    url: `http://localhost:5000/${name}/`,
    ...overrides,
  };
}

export const FAKE_TYPES: ServiceTypeInfo[] = [
  { name: 'echo', description: 'answers with the request', options: {} },
  { name: 'static', description: 'serves a directory', options: { root: 'directory to serve' } },
  { name: 'command', description: 'any program', options: {} },
];

export interface RecordedCall {
  method: Method;
  params: unknown;
}

export class FakeDaemon {
  readonly services = new Map<string, ServiceInfo>();
  readonly calls: RecordedCall[] = [];
  readonly logLines: LogLine[] = [];
  readonly connections = new Set<FakeConnection>();
  types = FAKE_TYPES;
  down = false;
  /** Accepts connections but never answers hello (a hung daemon). */
  mute = false;
  /** Connections opened so far, reconnects included. */
  connectCount = 0;
  /** Called as each request is sent, before it is answered: lets a test act at an exact step. */
  onCall: ((connection: FakeConnection, method: Method) => void) | null = null;

  constructor(services: ServiceInfo[] = []) {
    for (const service of services) this.services.set(service.name, service);
  }

  /** As SocketDaemonClient.connect: a mute daemon is given up on after `helloTimeoutMs`. */
  connect = async (helloTimeoutMs: number): Promise<DaemonClient> => {
    if (this.down) throw new Error('herve daemon is not running — start it with: herve up');
    if (this.mute) {
      await new Promise((resolve) => setTimeout(resolve, helloTimeoutMs));
      throw new DaemonUnresponsiveError('/tmp/hv-fake/herve.sock', helloTimeoutMs);
    }
    this.connectCount++;
    const connection = new FakeConnection(this);
    this.connections.add(connection);
    return connection;
  };

  callsOf(method: Method): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Change a service and tell the subscribers, as the daemon's orchestrator would. */
  update(name: string, change: Partial<ServiceInfo>): ServiceInfo {
    const current = this.services.get(name);
    if (!current) throw new Error(`no service ${name}`);
    const next = { ...current, ...change };
    this.services.set(name, next);
    this.emit({ event: 'service', data: next });
    return next;
  }

  log(service: string, line: string, stream: LogLine['stream'] = 'stdout'): void {
    const entry: LogLine = { service, instance: 0, stream, at: Date.now(), line };
    this.logLines.push(entry);
    if (this.logLines.length > 2000) this.logLines.splice(0, 1000);
    this.emit({ event: 'log', data: entry });
  }

  stats(perService: (name: string) => Partial<StatsSnapshot['services'][number]> = () => ({})): void {
    const snapshot: StatsSnapshot = {
      at: Date.now(),
      daemon: { pid: 999, uptimeMs: 120_000, cpuPercent: 0.4, rssBytes: 40 * 1024 * 1024 },
      services: [...this.services.keys()].map((name) => ({
        name,
        cpuPercent: 1.5,
        rssBytes: 30 * 1024 * 1024,
        instances: [],
        requests: null,
        ...perService(name),
      })),
    };
    this.emit({ event: 'stats', data: snapshot });
  }

  emit(event: Event): void {
    for (const connection of this.connections) connection.deliver(event);
  }

  /** The daemon goes away: every connection closes and new ones are refused until `revive`. */
  kill(): void {
    this.down = true;
    for (const connection of [...this.connections]) connection.close();
  }

  revive(): void {
    this.down = false;
  }

  handle(method: Method, params: Record<string, unknown>): unknown {
    this.calls.push({ method, params });
    const target = () => {
      const service = this.services.get(String(params.service));
      if (!service) throw new DaemonRequestError({ code: 'not_found', message: `no service named "${String(params.service)}"` });
      return service;
    };
    switch (method) {
      case 'hello':
        return {
          version: PROTOCOL_VERSION,
          pid: 999,
          startedAt: Date.now() - 120_000,
          home: '/tmp/hv-fake',
          socket: '/tmp/hv-fake/herve.sock',
          proxyPort: 5000,
        };
      case 'ping':
        return { pong: true, pid: 999, uptimeMs: 120_000 };
      case 'list':
        return { services: [...this.services.values()] };
      case 'types':
        return { types: this.types };
      case 'get':
        return target();
      case 'start':
      case 'restart':
        return { ...this.update(target().name, { status: 'running', desired: 'running' }), outcome: 'running', waitedMs: 0 };
      case 'stop':
        return { ...this.update(target().name, { status: 'stopped', desired: 'stopped' }), outcome: 'stopped', waitedMs: 0 };
      case 'register': {
        const spec = RegisterSpec.parse(params);
        const name = spec.name ?? spec.type;
        if (this.services.has(name))
          throw new DaemonRequestError({ code: 'name_taken', message: `a service named "${name}" exists`, hint: 'choose another --name' });
        const info = makeService(name, { type: spec.type, replicas: spec.replicas, command: spec.command ?? 'node', args: spec.args });
        this.services.set(name, info);
        this.emit({ event: 'service', data: info });
        return { ...info, outcome: info.status === 'running' ? 'running' : 'pending', waitedMs: 0 };
      }
      case 'unregister': {
        const service = target();
        this.services.delete(service.name);
        this.emit({ event: 'service.removed', data: { uuid: service.uuid, name: service.name } });
        return { uuid: service.uuid, name: service.name };
      }
      case 'logs': {
        const lines = this.logLines.filter((line) => params.service === undefined || line.service === params.service);
        return { lines: lines.slice(-Number(params.lines ?? 100)) };
      }
      case 'subscribe':
        return { topics: params.topics };
      default:
        throw new DaemonRequestError({ code: 'unknown_method', message: `fake daemon has no ${method}` });
    }
  }
}

export class FakeConnection implements DaemonClient {
  readonly topics = new Set<string>();
  private readonly eventListeners = new Set<EventListener>();
  private readonly closeListeners = new Set<() => void>();
  private closed = false;

  constructor(private readonly daemon: FakeDaemon) {}

  async call<M extends Method>(method: M, params?: ParamsInput<M>): Promise<Result<M>> {
    this.daemon.onCall?.(this, method);
    await new Promise((resolve) => setImmediate(resolve));
    if (this.closed) throw new Error('connection to the herve daemon was lost');
    const result = this.daemon.handle(method, (params ?? {}) as Record<string, unknown>);
    if (method === 'subscribe') for (const topic of (params as { topics: string[] }).topics) this.topics.add(topic);
    return result as Result<M>;
  }

  async subscribe(topics: string[]): Promise<void> {
    await this.call('subscribe', { topics });
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.daemon.connections.delete(this);
    for (const listener of this.closeListeners) listener();
  }

  deliver(event: Event): void {
    if (this.closed || !this.wants(event)) return;
    for (const listener of this.eventListeners) listener(event);
  }

  private wants(event: Event): boolean {
    if (event.event === 'log') return this.topics.has('logs') || this.topics.has(`logs:${event.data.service}`);
    if (event.event === 'stats') return this.topics.has('stats');
    return this.topics.has('services');
  }
}
