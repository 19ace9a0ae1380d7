import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AnnounceParams, Event, LifecycleResult, RegisterSpec, ServiceInfo, StatsSnapshot, UpdateResult } from '../../protocol/index.js';
import type { EventPublisher, RouteTable, RouteTarget, ServiceControl } from '../shared/contracts.js';
import { HerveError } from '../shared/errors.js';
import { RouteIndex } from '../proxy/route-match.js';
import type { Registry, ServiceRecord } from '../registry/registry.js';
import type { Supervisor } from '../supervisor/index.js';
import type { ServiceLogs } from './context.js';
import { JoinedServices } from './joined-services.js';
import { runInDependencyOrder } from './dependency-order.js';
import { outcomeOf } from './outcome.js';
import { fixedPortProblem, PortAllocator } from './port-allocator.js';
import { buildServiceRecord } from './registration.js';
import { rollInstances, scaleInstances, type RollDeps } from './rolling-restart.js';
import { SourceWatch } from './source-watch.js';
import { changedFields, needsRoll } from './spec-changes.js';
import { ServiceRuntime, type Adoption } from './service-runtime.js';
import type { ServiceTypes } from './service-types.js';
import type { StatsCollector } from './stats-collector.js';

export interface OrchestratorOptions {
  registry: Registry;
  supervisor: Supervisor;
  logs: ServiceLogs;
  types: ServiceTypes;
  stats: StatsCollector;
}

/** Longest a `wait: true` start answers after; the client then sees whatever state it is in. */
const MAX_START_WAIT_MS = 15_000;
/** How long a restored service waits for its dependencies to come to rest before it starts anyway. */
const DEPENDENCY_SETTLE_MS = 60_000;

/**
 * The one place that changes service state. The control server, the admin API and the proxy
 * call it (ServiceControl, RouteTable) and listen to its events.
 */
export class Orchestrator implements ServiceControl, RouteTable {
  private readonly services = new Map<string, ServiceRuntime>();
  private readonly listeners = new Set<EventPublisher>();
  private readonly ports = new PortAllocator();
  private proxyPort: number | null = null;
  private shuttingDown = false;
  private routes = new RouteIndex([]);
  /** Services with a rolling restart (or an update) under way. */
  private readonly rolling = new Map<ServiceRuntime, Promise<void>>();
  private readonly rollDeps: RollDeps;
  /** Source watchers of running services with `watch:`, and whether a change came in during a roll. */
  private readonly watches = new Map<ServiceRuntime, { watch: SourceWatch; spec: ServiceRecord['watch']; again: boolean }>();
  /** Services whose members announce themselves (type `external`); never in the registry. */
  private readonly joined: JoinedServices;

  constructor(private readonly options: OrchestratorOptions) {
    for (const record of options.registry.listServices()) this.services.set(record.uuid, this.runtimeFor(record));
    this.rollDeps = { logs: options.logs, inFlight: () => 0 };
    this.rebuildRoutes();
    this.joined = new JoinedServices({
      logs: options.logs,
      changed: (service) => this.emit({ event: 'service', data: service.info(this.proxyPort) }),
      removed: (service) => this.emit({ event: 'service.removed', data: service }),
    });
  }

  /** How many requests the front door has in flight to an instance's port, for draining. */
  setInFlight(inFlight: RollDeps['inFlight']): void {
    this.rollDeps.inFlight = inFlight;
  }

  /** Events: `service` after every change, `service.removed` after an unregister. */
  onEvent(listener: EventPublisher): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setProxyPort(port: number | null): void {
    this.proxyPort = port;
  }

  /**
   * Start what was meant to run when the daemon last stopped or died; `adopted` (by service uuid, then
   * instance index) are instances a dead daemon left, taken over instead of started again.
   */
  async restoreDesired(adopted: ReadonlyMap<string, ReadonlyMap<number, Adoption>> = new Map()): Promise<void> {
    const wanted = [...this.services.values()].filter((service) => service.record.desired === 'running');
    // Adopted instances are already running: they are taken over at once, whatever they depend on.
    const entries = wanted.map((service) => ({
      name: service.name,
      dependsOn: adopted.has(service.record.uuid) ? [] : service.record.dependsOn,
      service,
    }));
    const byName = new Map(entries.map((entry) => [entry.name, entry.service]));
    // Adopting spawns nothing and must not wait (their output waits in FIFOs). A spawn blocks the event
    // loop: one per turn, so that clients (herve up's hello) get their answers meanwhile.
    let turn = Promise.resolve();
    const spawnTurn = () => (turn = turn.then(() => nextTurn()));
    const runs = runInDependencyOrder(entries, 'dependenciesFirst', async ({ service, dependsOn }) => {
      const adoptions = adopted.get(service.record.uuid);
      if (adoptions !== undefined) return service.start(0, adoptions);
      await Promise.all(dependsOn.flatMap((name) => byName.get(name)?.settled(DEPENDENCY_SETTLE_MS) ?? []));
      if (this.shuttingDown) return;
      await spawnTurn();
      await service.start(0);
    });
    // The daemon is up once what depends on nothing has started; the rest follows its dependencies.
    const independent = entries.filter((entry) => !entry.dependsOn.some((name) => byName.has(name)));
    for (const entry of entries) {
      if (!independent.includes(entry))
        runs.get(entry.name)?.catch((error: unknown) => this.options.logs.system(entry.name, null, `could not start: ${(error as Error).message}`));
    }
    await Promise.all(independent.map((entry) => runs.get(entry.name)));
  }

  list(): ServiceInfo[] {
    const spawned = [...this.services.values()].map((service) => service.info(this.proxyPort));
    return [...spawned, ...this.joined.all().map((service) => service.info(this.proxyPort))];
  }

  get(ref: string): ServiceInfo {
    const joined = this.findJoined(ref);
    return joined ? joined.info(this.proxyPort) : this.find(ref).info(this.proxyPort);
  }

  /** A process Herve did not spawn joins, or stays in, service `name` (HerveError('conflict') if Herve runs that name). */
  announce(params: AnnounceParams): { name: string; url: string; ttl: number; members: number } {
    this.refuseWhileShuttingDown();
    if (this.byName(params.name)) {
      throw new HerveError('conflict', `"${params.name}" is a service Herve runs; members can only join external services`, 'announce under another name');
    }
    return this.joined.announce(params);
  }

  leave(name: string, url?: string): { name: string; left: number } {
    if (!this.joined.has(name)) throw new HerveError('not_found', `no joined service named "${name}"`, 'see the services with: herve ls');
    return { name, left: this.joined.leave(name, url) };
  }

  async register(spec: RegisterSpec): Promise<LifecycleResult> {
    this.refuseWhileShuttingDown();
    const since = Date.now();
    const { record, start } = buildServiceRecord(spec, this.options.types);
    if (this.byName(record.name) || this.joined.has(record.name)) {
      throw new HerveError('name_taken', `a service named "${record.name}" already exists`, 'choose another with --name');
    }
    this.refusePortTaken(record, undefined);
    if (start && record.port !== null) await refuseBusyPort(record.port, record.name);
    this.options.registry.insertService(record);
    const service = this.runtimeFor(record);
    this.services.set(record.uuid, service);
    this.rebuildRoutes();
    this.options.logs.system(record.name, null, `registered (${record.type}: ${[record.command, ...record.args].join(' ')})`);
    this.publish(service);
    if (start) await service.start(startWaitMs(service));
    return this.outcome(service, since);
  }

  async unregister(ref: string): Promise<{ uuid: string; name: string }> {
    this.refuseWhileShuttingDown();
    const joined = this.findJoined(ref);
    if (joined) {
      this.joined.leave(joined.name);
      return { uuid: joined.uuid, name: joined.name };
    }
    const service = this.find(ref);
    // From here on the service is gone for every caller: nothing can start it again while it stops.
    service.removing = true;
    await service.stop();
    this.services.delete(service.record.uuid);
    service.close();
    this.rebuildRoutes();
    this.syncWatch(service);
    this.options.registry.deleteService(service.record.uuid);
    const removed = { uuid: service.record.uuid, name: service.record.name };
    this.options.logs.system(removed.name, null, 'unregistered');
    this.options.logs.release(removed.name);
    this.emit({ event: 'service.removed', data: removed });
    return removed;
  }

  async start(ref: string, wait = true): Promise<LifecycleResult> {
    this.refuseWhileShuttingDown();
    this.refuseJoined(ref, 'start');
    const since = Date.now();
    const service = this.find(ref);
    if (service.record.port !== null && service.instances.every((instance) => instance.currentPid() === null)) {
      await refuseBusyPort(service.record.port, service.name);
    }
    this.options.logs.system(service.name, null, 'start requested');
    const starting = service.start(wait ? startWaitMs(service) : 0);
    if (wait) await starting;
    return this.outcome(service, since);
  }

  async stop(ref: string, wait = true): Promise<LifecycleResult> {
    this.refuseWhileShuttingDown();
    this.refuseJoined(ref, 'stop');
    const since = Date.now();
    const service = this.find(ref);
    this.options.logs.system(service.name, null, 'stop requested');
    const stopping = service.stop();
    if (wait) await stopping;
    return this.outcome(service, since);
  }

  async restart(ref: string, wait = true, rolling = false): Promise<LifecycleResult> {
    this.refuseWhileShuttingDown();
    this.refuseJoined(ref, 'restart');
    const since = Date.now();
    const service = this.find(ref);
    if (rolling) {
      if (service.record.desired !== 'running') {
        throw new HerveError('conflict', `${service.name} is stopped: there is nothing to roll`, `start it with: herve start ${service.name}`);
      }
      const roll = this.roll(service, service.record, 'restart requested');
      if (wait) await roll;
      else roll.catch(() => undefined);
      return this.outcome(service, since);
    }
    this.options.logs.system(service.name, null, 'restart requested');
    const restarting = service.stop().then(() => service.start(wait ? startWaitMs(service) : 0));
    if (wait) await restarting;
    return this.outcome(service, since);
  }

  /**
   * Replace a service's spec (the name stays). A change to what runs (command, args, cwd, env, options,
   * type, health, port) rolls its instances with zero downtime; replicas scale; the rest (route,
   * restart, stop, watch, description) applies at once. A failed roll keeps the old spec.
   */
  async update(ref: string, input: RegisterSpec): Promise<UpdateResult> {
    this.refuseWhileShuttingDown();
    const service = this.find(ref);
    if (input.name !== undefined && input.name !== service.name) {
      throw new HerveError('bad_request', `update cannot rename ${service.name} to ${input.name}`, 'unregister it and register the new name');
    }
    const current = service.record;
    const { record: built } = buildServiceRecord({ ...input, name: service.name }, this.options.types);
    const next: ServiceRecord = { ...built, uuid: current.uuid, createdAt: current.createdAt, restarts: current.restarts, desired: current.desired };
    const changed = changedFields(current, next);
    if (changed.length === 0) return { service: service.info(this.proxyPort), changed, rolled: false };
    this.refusePortTaken(next, service);
    const rolled = needsRoll(changed) && current.desired === 'running';
    this.options.logs.system(service.name, null, `update: ${changed.join(', ')} changed${rolled ? ' — rolling restart' : ''}`);
    if (rolled) await this.roll(service, next, `changed: ${changed.join(', ')}`);
    else await this.exclusively(service, () => this.apply(service, next));
    return { service: service.info(this.proxyPort), changed, rolled };
  }

  /** Host names services are routed by (`route.hosts`), e.g. for the front door's Host allow-list. */
  routeHosts(): string[] {
    return this.routes.hosts();
  }

  routeIndex(): RouteIndex {
    return this.routes;
  }

  stats(): StatsSnapshot {
    return this.options.stats.snapshot([...this.services.values(), ...this.joined.all()]);
  }

  targets(name: string): RouteTarget[] | undefined {
    const service = this.byName(name);
    if (!service) return this.joined.targets(name);
    return service.routeTargets();
  }

  report(target: RouteTarget, status: number, failure?: string): void {
    this.byName(target.service)?.reportUpstream(target, status, failure);
  }

  names(): string[] {
    return [...[...this.services.values()].map((service) => service.name), ...this.joined.all().map((service) => service.name)];
  }

  /** Stop every instance for a daemon shutdown; desired states stay, so the next daemon brings them back. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([...this.watches.keys()].map((service) => this.syncWatch(service)));
    this.joined.close();
    // Dependents first: a service stops before what it depends on.
    const entries = [...this.services.values()].map((service) => ({ name: service.name, dependsOn: service.record.dependsOn, service }));
    await Promise.all(runInDependencyOrder(entries, 'dependentsFirst', ({ service }) => service.stop(true)).values());
  }

  longestStopGraceMs(): number {
    return Math.max(0, ...[...this.services.values()].map((service) => service.record.stop.graceMs));
  }

  /** SIGKILL every instance's process group at once (a second signal during shutdown). */
  killAll(): void {
    for (const service of this.services.values()) for (const instance of service.instances) instance.kill();
  }

  /** One roll (or update) per service at a time; a second one is refused. */
  private roll(service: ServiceRuntime, next: ServiceRecord, reason: string): Promise<void> {
    return this.exclusively(service, async () => {
      // Fewer replicas first (less to roll), then the roll, then more replicas from the new spec.
      if (next.replicas < service.instances.length) await scaleInstances(service, next.replicas, this.rollDeps);
      await rollInstances(service, next, this.rollDeps, reason);
      await this.apply(service, next);
    });
  }

  private async exclusively(service: ServiceRuntime, work: () => Promise<void>): Promise<void> {
    if (this.rolling.has(service)) {
      throw new HerveError('conflict', `a rolling restart of ${service.name} is already under way`, `wait for it: herve status ${service.name}`);
    }
    const running = work().finally(() => this.rolling.delete(service));
    this.rolling.set(service, running);
    await running;
  }

  /** Adopt a new spec: stored, followed by every instance, routes rebuilt, replicas scaled. */
  private async apply(service: ServiceRuntime, next: ServiceRecord): Promise<void> {
    if (service.record !== next) {
      next.desired = service.record.desired;
      next.restarts = service.record.restarts;
      this.options.registry.updateSpec(next);
      service.adopt(next);
      this.rebuildRoutes();
    }
    await scaleInstances(service, next.replicas, this.rollDeps);
  }

  private rebuildRoutes(): void {
    this.routes = new RouteIndex([...this.services.values()].map(({ record }) => ({ name: record.name, route: record.route })));
  }

  /** Two services cannot both own one fixed port. */
  private refusePortTaken(record: ServiceRecord, self: ServiceRuntime | undefined): void {
    if (record.port === null) return;
    for (const other of this.services.values()) {
      if (other !== self && other.record.port === record.port) {
        throw new HerveError(
          'port_in_use',
          `port ${record.port} is already the fixed port of ${other.name}`,
          'choose another port, or drop it to get a free one in $PORT',
        );
      }
    }
  }

  private find(ref: string): ServiceRuntime {
    const service = this.services.get(ref) ?? this.byName(ref);
    if (!service || service.removing) throw new HerveError('not_found', `no service named "${ref}"`, 'see the registered services with: herve ls');
    return service;
  }

  private findJoined(ref: string) {
    return this.joined.get(ref) ?? this.joined.all().find((service) => service.uuid === ref);
  }

  private refuseJoined(ref: string, verb: string): void {
    if (!this.findJoined(ref)) return;
    throw new HerveError(
      'conflict',
      `${ref} is an external service: its members join and leave by themselves, Herve cannot ${verb} it`,
      `remove it at once with: herve unregister ${ref}`,
    );
  }

  private byName(name: string): ServiceRuntime | undefined {
    for (const service of this.services.values()) if (service.name === name) return service;
    return undefined;
  }

  private runtimeFor(record: ServiceRuntime['record']): ServiceRuntime {
    return new ServiceRuntime(record, {
      supervisor: this.options.supervisor,
      ports: this.ports,
      logs: this.options.logs,
      registry: this.options.registry,
      changed: (service) => this.publish(service),
      healthChanged: (change) => this.emit({ event: 'instance.health', data: change }),
    });
  }

  /** The service as it is now, with what the operation begun at `since` came to. */
  private outcome(service: ServiceRuntime, since: number): LifecycleResult {
    return { ...service.info(this.proxyPort), outcome: outcomeOf(service.statuses()), waitedMs: Date.now() - since };
  }

  private refuseWhileShuttingDown(): void {
    if (this.shuttingDown) throw new HerveError('shutting_down', 'the daemon is shutting down', 'start it again with: herve up');
  }

  /** Watch a running service's sources when its spec asks; stop watching otherwise. */
  private syncWatch(service: ServiceRuntime): Promise<void> {
    const spec = service.record.watch;
    const wanted = spec !== null && !service.removing && !this.shuttingDown && service.record.desired === 'running';
    const current = this.watches.get(service);
    if (current && wanted && current.spec === spec) return Promise.resolve();
    let closing = Promise.resolve();
    if (current) {
      this.watches.delete(service);
      closing = current.watch.close();
    }
    if (!wanted) return closing;
    const watch = new SourceWatch({
      spec,
      cwd: service.record.cwd ?? process.cwd(),
      changed: (path) => this.sourcesChanged(service, path),
      failed: (message) => this.options.logs.system(service.name, null, `watch: ${message}`),
    });
    this.watches.set(service, { watch, spec, again: false });
    void watch.ready().then(() => {
      if (this.watches.get(service)?.watch === watch) this.options.logs.system(service.name, null, `watch: watching ${spec.paths.join(', ')} for changes`);
    });
    return closing;
  }

  private sourcesChanged(service: ServiceRuntime, path: string): void {
    const entry = this.watches.get(service);
    if (!entry) return;
    if (this.rolling.has(service)) {
      entry.again = true;
      return;
    }
    this.options.logs.system(service.name, null, `watch: ${path} changed`);
    this.roll(service, service.record, `${path} changed`)
      .catch((error: Error) => this.options.logs.system(service.name, null, error.message))
      .finally(() => {
        const after = this.watches.get(service);
        if (after?.again) {
          after.again = false;
          this.sourcesChanged(service, path);
        }
      });
  }

  private publish(service: ServiceRuntime): void {
    void this.syncWatch(service);
    if (this.listeners.size === 0 || !this.services.has(service.record.uuid)) return;
    this.emit({ event: 'service', data: service.info(this.proxyPort) });
  }

  private emit(event: Event): void {
    for (const listener of this.listeners) listener(event);
  }
}

async function refuseBusyPort(port: number, name: string): Promise<void> {
  const problem = await fixedPortProblem(port);
  if (problem)
    throw new HerveError(
      'port_in_use',
      `cannot start ${name}: ${problem}`,
      `stop what listens there (ss -ltnp 'sport = :${port}') or give ${name} another port`,
    );
}

function startWaitMs(service: ServiceRuntime): number {
  return Math.min(service.record.health.startTimeoutMs + 1000, MAX_START_WAIT_MS);
}
