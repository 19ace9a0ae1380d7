import type { ServiceInfo } from '../../protocol/index.js';
import type { InstanceRecord, Registry, ServiceRecord } from '../registry.js';
import type { Supervisor } from '../supervisor/index.js';
import type { ServiceLogs } from './context.js';
import { Instance } from './instance.js';
import { RemoteInstance, type InstanceTarget, type ServiceInstance } from './remote-instance.js';
import { effectivePort, remoteUpstream } from './remote-upstream.js';
import { PROXY_TYPE } from './proxy-type.js';
import type { PortAllocator } from './port-allocator.js';
import { CrashLoopDetector } from './restart-policy.js';
import { deriveServiceStatus } from './service-status.js';

export interface ServiceDeps {
  supervisor: Supervisor;
  ports: PortAllocator;
  logs: ServiceLogs;
  registry: Registry;
  /** Called after every change of this service. */
  changed(service: ServiceRuntime): void;
}

/** Instance states in which a start or stop has come to rest. */
const SETTLED_AFTER_START = new Set(['running', 'unhealthy', 'crashed', 'stopped', 'backoff']);

/** One registered service and its instances: start, stop, and the view clients get. */
export class ServiceRuntime {
  readonly instances: ServiceInstance[];
  /** Being unregistered: no longer found by name or uuid. */
  removing = false;
  /** Set while a rolling restart runs, for the view clients get. */
  roll: ServiceInfo['roll'] = null;
  private crashLoop = false;
  private readonly crashes: CrashLoopDetector;
  private readonly waiters = new Set<() => void>();

  constructor(readonly record: ServiceRecord, private readonly deps: ServiceDeps) {
    this.crashes = new CrashLoopDetector(record.restart);
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
      roll: this.roll,
      desired: record.desired,
      status: deriveServiceStatus(record.desired, this.crashLoop, this.instances.map((instance) => instance.status)),
      instances: this.instances.map((instance) => instance.info()),
      restarts: record.restarts,
      createdAt: record.createdAt,
      url: proxyPort === null || record.route === false ? null : `http://localhost:${proxyPort}${record.route.path}/`,
    };
  }

  /** Start every instance; with `waitMs`, resolve once each has come to rest (or the time is up). */
  async start(waitMs: number): Promise<void> {
    this.setDesired('running');
    this.crashLoop = false;
    this.crashes.reset();
    await Promise.all(this.instances.map((instance) => instance.start()));
    if (waitMs > 0) await this.waitUntil(() => this.instances.every((instance) => SETTLED_AFTER_START.has(instance.status)), waitMs);
  }

  /** Stop every instance, gracefully; `keepDesired` for a daemon shutdown, so they come back with it. */
  async stop(keepDesired = false): Promise<void> {
    if (!keepDesired) this.setDesired('stopped');
    await Promise.all(this.instances.map((instance) => instance.stop()));
  }

  /** Where ready instances are reached, for the proxy. */
  routeTargets(): Array<InstanceTarget & { instance: number }> {
    const targets: Array<InstanceTarget & { instance: number }> = [];
    for (const instance of this.instances) {
      const target = instance.routeTarget();
      if (target !== null) targets.push({ instance: instance.index, ...target });
    }
    return targets;
  }

  /** A child process per instance, except for a `proxy`: an upstream Herve only probes and routes to. */
  private createInstance(index: number): ServiceInstance {
    const { record } = this;
    if (record.type !== PROXY_TYPE) return new Instance(index, this.contextFor());
    const upstream = remoteUpstream(record.options.target, { insecure: record.options.insecure === 'true', host: record.options.host });
    return new RemoteInstance(index, upstream, effectivePort(new URL(record.options.target)), this.contextFor());
  }

  private setDesired(desired: 'running' | 'stopped'): void {
    if (this.record.desired === desired) return;
    this.record.desired = desired;
    this.deps.registry.setDesired(this.record.uuid, desired);
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

  private contextFor() {
    const { deps } = this;
    return {
      supervisor: deps.supervisor,
      ports: deps.ports,
      logs: deps.logs,
      record: () => this.record,
      rememberProcess: (record: InstanceRecord) => deps.registry.recordInstance(record),
      forgetProcess: (index: number, pid: number) => deps.registry.forgetInstance(this.record.uuid, index, pid),
      crashed: (at: number) => this.recordCrash(at),
      restarted: () => {
        this.record.restarts += 1;
        deps.registry.setRestarts(this.record.uuid, this.record.restarts);
      },
      changed: () => {
        for (const check of [...this.waiters]) check();
        deps.changed(this);
      },
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
