import { HerveError } from '../shared/errors.js';
import type { RouteTarget } from '../shared/contracts.js';
import type { InstanceHealthChange, InstanceStatus, ServiceInfo } from '../../protocol/index.js';
import type { InstanceRecord, Registry, ServiceRecord } from '../registry/registry.js';
import type { ProcessHandle, Supervisor } from '../supervisor/index.js';
import type { ServiceLogs } from './context.js';
import { Instance } from './instance.js';
import { RemoteInstance, type ServiceInstance } from './remote-instance.js';
import { effectivePort, remoteUpstream } from './remote-upstream.js';
import { PROXY_TYPE } from './proxy-type.js';
import type { PortAllocator } from './port-allocator.js';
import { isSettled } from './outcome.js';
import { PassiveHealth } from './passive-health.js';
import { CrashLoopDetector } from './restart-policy.js';
import { deriveServiceStatus } from './service-status.js';

/** An instance a dead daemon left, taken over by its successor. */
export interface Adoption {
  handle: ProcessHandle;
  port: number | null;
  endedMeanwhile: boolean;
}

export interface ServiceDeps {
  supervisor: Supervisor;
  ports: PortAllocator;
  logs: ServiceLogs;
  registry: Registry;
  /** Called after every change of this service. */
  changed(service: ServiceRuntime): void;
  /** Passive health ejected an instance, let it back or restarts it (changed() follows). */
  healthChanged(change: InstanceHealthChange): void;
}

/** One registered service and its instances: start, stop, and the view clients get. */
export class ServiceRuntime {
  /** In routing order; a rolling restart or a scale adds and removes instances here. */
  readonly instances: ServiceInstance[];
  /** Being unregistered: no longer found by name or uuid. */
  removing = false;
  /** Set while a rolling restart runs, for the view clients get. */
  roll: ServiceInfo['roll'] = null;
  private crashLoop = false;
  private readonly crashes: CrashLoopDetector;
  private readonly waiters = new Set<() => void>();
  /** Instances started from another spec than `record` (the next one, during a roll). */
  private readonly pinned = new Map<Instance, ServiceRecord>();
  private readonly passive: PassiveHealth;

  constructor(
    public record: ServiceRecord,
    private readonly deps: ServiceDeps,
  ) {
    this.crashes = new CrashLoopDetector(record.restart);
    this.passive = new PassiveHealth({
      name: () => this.record.name,
      spec: () => this.record.health.passive,
      instances: () => this.instances,
      logs: deps.logs,
      changed: (change) => {
        deps.healthChanged(change);
        this.notify();
      },
    });
    this.instances = Array.from({ length: record.replicas }, (_, index) => this.createInstance(index));
  }

  get name(): string {
    return this.record.name;
  }

  info(proxyPort: number | null): ServiceInfo {
    const { record } = this;
    return {
      uuid: record.uuid,
      name: record.name,
      type: record.type,
      description: record.description,
      command: record.command,
      args: record.args,
      cwd: record.cwd,
      env: record.env,
      options: record.options,
      replicas: record.replicas,
      health: record.health,
      restart: record.restart,
      port: record.port,
      route: record.route,
      stop: record.stop,
      watch: record.watch,
      source: record.source,
      dependsOn: record.dependsOn,
      roll: this.roll,
      desired: record.desired,
      status: deriveServiceStatus(record.desired, this.crashLoop, this.statuses()),
      instances: this.instances.map((instance) => {
        const ejected = this.passive.ejectionOf(instance);
        return ejected ? { ...instance.info(), ejected } : instance.info();
      }),
      restarts: record.restarts,
      createdAt: record.createdAt,
      url: proxyPort === null || record.route === false ? null : `http://localhost:${proxyPort}${record.route.path}/`,
    };
  }

  /**
   * Start every instance; with `waitMs`, resolve once each has come to rest (or the time is up).
   * Instances in `adopted` (by index) are taken over from a dead daemon instead of started.
   */
  async start(waitMs: number, adopted?: ReadonlyMap<number, Adoption>): Promise<void> {
    this.setDesired('running');
    this.crashLoop = false;
    this.crashes.reset();
    if (adopted) this.takeIndicesOf(adopted);
    await Promise.all(
      this.instances.map((instance) => {
        const adoption = adopted?.get(instance.index);
        if (!adoption || !(instance instanceof Instance)) return instance.start();
        if (adoption.port !== null) this.deps.ports.reserve(adoption.port);
        instance.adopt(adoption.handle, adoption.port, adoption.endedMeanwhile);
        return undefined;
      }),
    );
    if (waitMs > 0) await this.waitUntil(() => isSettled(this.statuses()), waitMs);
  }

  /**
   * Adopted instances keep the indices they had (a roll leaves them at, say, 0 and 2); the other
   * slots take the lowest free ones. Only before any instance has started.
   */
  private takeIndicesOf(adopted: ReadonlyMap<number, Adoption>): void {
    const current = new Set(this.instances.map((instance) => instance.index));
    if ([...adopted.keys()].every((index) => current.has(index))) return;
    const indices = [...adopted.keys()].slice(0, this.record.replicas);
    for (let index = 0; indices.length < this.record.replicas; index++) if (!indices.includes(index)) indices.push(index);
    indices.sort((a, b) => a - b);
    this.instances.splice(0, this.instances.length, ...indices.map((index) => this.createInstance(index)));
  }

  /** Stop every instance, gracefully; `keepDesired` for a daemon shutdown, so they come back with it. */
  async stop(keepDesired = false): Promise<void> {
    if (!keepDesired) this.setDesired('stopped');
    await Promise.all(this.instances.map((instance) => instance.stop()));
  }

  /** Resolves once every instance has come to rest (ready, crashed, stopped…) or `timeoutMs` has passed. */
  settled(timeoutMs: number): Promise<void> {
    return this.waitUntil(() => isSettled(this.statuses()), timeoutMs);
  }

  statuses(): InstanceStatus[] {
    return this.instances.map((instance) => instance.status);
  }

  /** Where ready instances are reached, for the proxy; ejected ones only when no other is left. */
  routeTargets(): RouteTarget[] {
    const targets: RouteTarget[] = [];
    const ejected: RouteTarget[] = [];
    const service = this.name;
    for (const instance of this.instances) {
      const target = instance.routeTarget();
      if (target !== null) (this.passive.isEjected(instance) ? ejected : targets).push({ service, instance: instance.index, ...target });
    }
    return targets.length > 0 ? targets : ejected;
  }

  /** What the front door saw of one request to an instance: its answer's status, or 0 and why it failed. */
  reportUpstream(target: { instance: number; port: number }, status: number, failure?: string): void {
    this.passive.report(target.instance, target.port, status, failure);
  }

  /** The service is gone (unregistered): no timer of it may fire. */
  close(): void {
    this.passive.close();
  }

  /** A child process per instance, except for a `proxy`: an upstream Herve only probes and routes to. */
  private createInstance(index: number): ServiceInstance {
    const { record } = this;
    if (record.type !== PROXY_TYPE) return this.createProcessInstance(index);
    const { target } = record.options;
    if (target === undefined)
      throw new HerveError('bad_request', `proxy ${record.name} has no target`, `give it one: herve register proxy --name ${record.name} --opt target=URL`);
    const upstream = remoteUpstream(target, { insecure: record.options.insecure === 'true', host: record.options.host });
    return new RemoteInstance(
      index,
      upstream,
      effectivePort(new URL(target)),
      this.contextFor(() => this.record),
    );
  }

  private setDesired(desired: 'running' | 'stopped'): void {
    if (this.record.desired === desired) return;
    this.record.desired = desired;
    this.deps.registry.setDesired(this.record.uuid, desired);
  }

  /**
   * A new instance (not started) at the lowest free index, placed after the others (removeInstance
   * moves it into its predecessor's place); `spec` pins it to a spec other than the current record.
   */
  addInstance(spec?: ServiceRecord): ServiceInstance {
    const used = new Set(this.instances.map((instance) => instance.index));
    let index = 0;
    while (used.has(index)) index++;
    const instance = this.record.type === PROXY_TYPE ? this.createInstance(index) : this.createProcessInstance(index, spec);
    this.instances.push(instance);
    this.notify();
    return instance;
  }

  /** Take a stopped instance out; `successor` (if any) moves into its place in the routing order. */
  removeInstance(instance: ServiceInstance, successor?: ServiceInstance): void {
    if (!this.instances.includes(instance)) return;
    if (successor) this.instances.splice(this.instances.indexOf(successor), 1);
    this.instances.splice(this.instances.indexOf(instance), 1, ...(successor ? [successor] : []));
    if (instance instanceof Instance) this.pinned.delete(instance);
    this.notify();
  }

  /** Adopt a new spec: every instance follows it from now on (the registry is updated by the caller). */
  adopt(record: ServiceRecord): void {
    this.record = record;
    this.pinned.clear();
    this.notify();
  }

  /** Resolves true once `done()` holds, false when the time is up first. */
  /** The instances that are child processes (all but a `proxy`'s): what a rolling restart replaces. */
  processInstances(): Instance[] {
    return this.instances.filter((instance): instance is Instance => instance instanceof Instance);
  }

  waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    return this.waitUntil(done, timeoutMs).then(done);
  }

  notify(): void {
    for (const check of [...this.waiters]) check();
    this.deps.changed(this);
  }

  private createProcessInstance(index: number, spec?: ServiceRecord): Instance {
    const instance: Instance = new Instance(
      index,
      this.contextFor(() => this.pinned.get(instance) ?? this.record),
    );
    if (spec) this.pinned.set(instance, spec);
    return instance;
  }

  private waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(check);
    });
  }

  private contextFor(record: () => ServiceRecord) {
    const { deps } = this;
    return {
      supervisor: deps.supervisor,
      ports: deps.ports,
      logs: deps.logs,
      record,
      rememberProcess: (record: InstanceRecord) => deps.registry.recordInstance(record),
      forgetProcess: (index: number, pid: number) => deps.registry.forgetInstance(this.record.uuid, index, pid),
      crashed: (at: number) => this.recordCrash(at),
      restarted: () => {
        this.record.restarts += 1;
        deps.registry.setRestarts(this.record.uuid, this.record.restarts);
      },
      changed: () => this.notify(),
    };
  }

  private recordCrash(at: number): boolean {
    if (this.crashLoop) return true;
    if (!this.crashes.record(at)) return false;
    this.crashLoop = true;
    const { crashLoopLimit, crashLoopWindowMs } = this.record.restart;
    this.deps.logs.system(
      this.record.name,
      null,
      `crash loop: ${crashLoopLimit} exits within ${crashLoopWindowMs / 1000} s — not restarting until: herve start ${this.record.name}`,
    );
    return true;
  }
}
