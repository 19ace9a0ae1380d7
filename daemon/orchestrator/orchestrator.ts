import type { AnnounceParams, Event, RegisterSpec, ServiceInfo, StatsSnapshot } from '../../protocol/index.js';
import type { EventPublisher, RouteTable, RouteTarget, ServiceControl } from '../contracts.js';
import { HerveError } from '../errors.js';
import type { Registry } from '../registry.js';
import type { Supervisor } from '../supervisor/index.js';
import type { ServiceLogs } from './context.js';
import { JoinedServices } from './joined-services.js';
import { PortAllocator } from './port-allocator.js';
import { buildServiceRecord } from './registration.js';
import { ServiceRuntime } from './service-runtime.js';
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
  /** Services whose members announce themselves (type `external`); never in the registry. */
  private readonly joined: JoinedServices;

  constructor(private readonly options: OrchestratorOptions) {
    for (const record of options.registry.listServices()) this.services.set(record.uuid, this.runtimeFor(record));
    this.joined = new JoinedServices({
      logs: options.logs,
      changed: (service) => this.emit({ event: 'service', data: service.info(this.proxyPort) }),
      removed: (service) => this.emit({ event: 'service.removed', data: service }),
    });
  }

  /** Events: `service` after every change, `service.removed` after an unregister. */
  onEvent(listener: EventPublisher): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setProxyPort(port: number | null): void {
    this.proxyPort = port;
  }

  /** Start what was meant to run when the daemon last stopped or died. */
  async restoreDesired(): Promise<void> {
    const wanted = [...this.services.values()].filter((service) => service.record.desired === 'running');
    await Promise.all(wanted.map((service) => service.start(0)));
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

  async register(spec: RegisterSpec): Promise<ServiceInfo> {
    this.refuseWhileShuttingDown();
    const { record, start } = buildServiceRecord(spec, this.options.types);
    if (this.byName(record.name) || this.joined.has(record.name)) {
      throw new HerveError('name_taken', `a service named "${record.name}" already exists`, 'choose another with --name');
    }
    this.options.registry.insertService(record);
    const service = this.runtimeFor(record);
    this.services.set(record.uuid, service);
    this.options.logs.system(record.name, null, `registered (${record.type}: ${[record.command, ...record.args].join(' ')})`);
    this.publish(service);
    if (start) await service.start(startWaitMs(service));
    return service.info(this.proxyPort);
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
    this.options.registry.deleteService(service.record.uuid);
    const removed = { uuid: service.record.uuid, name: service.record.name };
    this.options.logs.system(removed.name, null, 'unregistered');
    this.emit({ event: 'service.removed', data: removed });
    return removed;
  }

  async start(ref: string, wait = true): Promise<ServiceInfo> {
    this.refuseWhileShuttingDown();
    this.refuseJoined(ref, 'start');
    const service = this.find(ref);
    this.options.logs.system(service.name, null, 'start requested');
    const starting = service.start(wait ? startWaitMs(service) : 0);
    if (wait) await starting;
    else void starting;
    return service.info(this.proxyPort);
  }

  async stop(ref: string, wait = true): Promise<ServiceInfo> {
    this.refuseWhileShuttingDown();
    this.refuseJoined(ref, 'stop');
    const service = this.find(ref);
    this.options.logs.system(service.name, null, 'stop requested');
    const stopping = service.stop();
    if (wait) await stopping;
    return service.info(this.proxyPort);
  }

  async restart(ref: string, wait = true): Promise<ServiceInfo> {
    this.refuseWhileShuttingDown();
    this.refuseJoined(ref, 'restart');
    const service = this.find(ref);
    this.options.logs.system(service.name, null, 'restart requested');
    const restarting = service.stop().then(() => service.start(wait ? startWaitMs(service) : 0));
    if (wait) await restarting;
    return service.info(this.proxyPort);
  }

  stats(): StatsSnapshot {
    return this.options.stats.snapshot([...this.services.values(), ...this.joined.all()]);
  }

  targets(name: string): RouteTarget[] | undefined {
    const service = this.byName(name);
    if (!service) return this.joined.targets(name);
    return service.routeTargets().map((target) => ({ service: name, ...target }));
  }

  names(): string[] {
    return [...[...this.services.values()].map((service) => service.name), ...this.joined.all().map((service) => service.name)];
  }

  /** Stop every instance for a daemon shutdown; desired states stay, so the next daemon brings them back. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    this.joined.close();
    await Promise.all([...this.services.values()].map((service) => service.stop(true)));
  }

  longestStopGraceMs(): number {
    return Math.max(0, ...[...this.services.values()].map((service) => service.record.restart.stopGraceMs));
  }

  /** SIGKILL every instance's process group at once (a second signal during shutdown). */
  killAll(): void {
    for (const service of this.services.values()) for (const instance of service.instances) instance.kill();
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
    throw new HerveError('conflict', `${ref} is an external service: its members join and leave by themselves, Herve cannot ${verb} it`, `remove it at once with: herve unregister ${ref}`);
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
    });
  }

  private refuseWhileShuttingDown(): void {
    if (this.shuttingDown) throw new HerveError('shutting_down', 'the daemon is shutting down', 'start it again with: herve up');
  }

  private publish(service: ServiceRuntime): void {
    if (this.listeners.size === 0 || !this.services.has(service.record.uuid)) return;
    this.emit({ event: 'service', data: service.info(this.proxyPort) });
  }

  private emit(event: Event): void {
    for (const listener of this.listeners) listener(event);
  }
}

function startWaitMs(service: ServiceRuntime): number {
  return Math.min(service.record.health.startTimeoutMs + 1000, MAX_START_WAIT_MS);
}
