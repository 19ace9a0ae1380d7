import type { InstanceInfo, InstanceStatus } from '../../protocol/index.js';
import type { RemoteUpstream } from '../shared/contracts.js';
import type { InstanceContext } from './context.js';
import { ReadinessWatch } from './readiness-watch.js';
import { RemoteProbe } from './remote-probe.js';

/** Where the proxy sends a ready instance's requests. */
export interface InstanceTarget {
  port: number;
  upstream?: RemoteUpstream;
}

/** What a service needs of each of its instances, with a child process or without. */
export interface ServiceInstance {
  readonly index: number;
  readonly status: InstanceStatus;
  info(): InstanceInfo;
  routeTarget(): InstanceTarget | null;
  currentPid(): number | null;
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): void;
  /** Restart through its restart policy, for `reason` (absent where there is no process to restart). */
  restartFor?(reason: string): void;
}

/**
 * An upstream Herve does not run: no process, only probes. Ready while its health path answers;
 * a failing one leaves the routing table and is probed again from scratch (it cannot be restarted).
 */
export class RemoteInstance implements ServiceInstance {
  status: InstanceStatus = 'stopped';
  private ready = false;
  private startedAt: number | null = null;
  private readiness: ReadinessWatch | undefined;
  /** The last probe failure logged, so a failing upstream is logged once per different reason. */
  private lastFailure: string | null = null;

  constructor(
    readonly index: number,
    private readonly upstream: RemoteUpstream,
    private readonly port: number,
    private readonly context: InstanceContext,
  ) {}

  info(): InstanceInfo {
    return { index: this.index, pid: null, port: this.port, status: this.status, ready: this.ready, startedAt: this.startedAt, restarts: 0, lastExit: null };
  }

  routeTarget(): InstanceTarget | null {
    return this.ready && this.status === 'running' ? { port: this.port, upstream: this.upstream } : null;
  }

  currentPid(): number | null {
    return null;
  }

  async start(): Promise<void> {
    if (this.readiness) return;
    this.startedAt = Date.now();
    this.watch();
  }

  async stop(): Promise<void> {
    this.readiness?.close();
    this.readiness = undefined;
    this.set('stopped', false);
  }

  kill(): void {}

  private watch(): void {
    const { name, health } = this.context.record();
    const where = `${this.upstream.origin}${this.upstream.basePath}`;
    this.set('starting', false);
    const failed = (reason: string) => {
      if (reason !== this.lastFailure) this.context.logs.system(name, this.index, `probe of ${where}: ${reason}`);
      this.lastFailure = reason;
    };
    this.readiness = new ReadinessWatch((path) => new RemoteProbe(this.upstream, path, failed), health, {
      ready: (again) => {
        this.lastFailure = null;
        this.set('running', true);
        this.context.logs.system(name, this.index, again ? `${where} healthy again` : `${where} ready`);
      },
      unhealthy: (failures) => {
        this.set('unhealthy', false);
        this.context.logs.system(name, this.index, `${where} unhealthy: ${failures} failed probes of ${health.path}`);
      },
      restart: (reason) => {
        this.context.logs.system(name, this.index, `${where} ${reason} — probing again`);
        this.readiness = undefined;
        this.watch();
      },
    });
    this.readiness.start();
  }

  private set(status: InstanceStatus, ready: boolean): void {
    this.status = status;
    this.ready = ready;
    this.context.changed();
  }
}
