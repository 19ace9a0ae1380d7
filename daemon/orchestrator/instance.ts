import type { ExitInfo, InstanceInfo, InstanceStatus } from '../../protocol/index.js';
import { readProcessStartTime } from '../proc.js';
import type { ProcessExit, ProcessHandle } from '../supervisor/index.js';
import type { InstanceContext } from './context.js';
import { ReadinessWatch } from './readiness-watch.js';
import type { InstanceTarget, ServiceInstance } from './remote-instance.js';
import { BackoffCounter, isStableRun, wantsRestart } from './restart-policy.js';

function describeExit(exit: ProcessExit): string {
  if (exit.spawnError) return `failed to start: ${exit.spawnError}`;
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

function exitFailed(exit: ProcessExit): boolean {
  return exit.spawnError !== undefined || exit.code !== 0 || exit.signal !== null;
}

/**
 * One replica of a service: spawns it, probes it, restarts it by policy, stops it.
 * Every state change goes through here and is reported with `context.changed()`.
 */
export class Instance implements ServiceInstance {
  status: InstanceStatus = 'stopped';
  ready = false;
  private pid: number | null = null;
  private port: number | null = null;
  private startedAt: number | null = null;
  /** When it last turned ready; null while it is not. */
  private readySince: number | null = null;
  private restarts = 0;
  private lastExit: ExitInfo | null = null;
  private handle: ProcessHandle | undefined;
  /** Bumped on every spawn: callbacks from an older run are ignored. */
  private generation = 0;
  private stopRequested = false;
  /** Set when the daemon itself kills the instance (start timeout, unhealthy): the exit then counts as a failure. */
  private killReason: string | undefined;
  private readonly backoff = new BackoffCounter();
  private readiness: ReadinessWatch | undefined;
  private backoffTimer: NodeJS.Timeout | undefined;
  private stopping: Promise<void> | undefined;

  constructor(readonly index: number, private readonly context: InstanceContext) {}

  info(): InstanceInfo {
    return {
      index: this.index,
      pid: this.pid,
      port: this.port,
      status: this.status,
      ready: this.ready,
      startedAt: this.startedAt,
      restarts: this.restarts,
      lastExit: this.lastExit,
    };
  }

  /** The port to route to, when ready. */
  routeTarget(): InstanceTarget | null {
    return this.ready && this.status === 'running' && this.port !== null ? { port: this.port } : null;
  }

  currentPid(): number | null {
    return this.pid;
  }

  /** Start if not running; a user start also clears the backoff and a crash. */
  async start(): Promise<void> {
    if (this.status === 'stopping') await this.handle?.exited;
    this.stopRequested = false;
    if (this.status !== 'stopped' && this.status !== 'crashed' && this.status !== 'backoff') return;
    this.cancelBackoff();
    this.backoff.reset();
    await this.spawn();
  }

  /** SIGKILL the process group now: for a daemon told twice to go. */
  kill(): void {
    if (this.handle) this.context.supervisor.signal(this.handle, 'SIGKILL');
  }

  /** Drain (no longer a target), then SIGTERM the group, SIGKILL after the grace period. */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private async stopNow(): Promise<void> {
    this.stopRequested = true;
    this.cancelBackoff();
    const handle = this.handle;
    if (!handle) {
      if (this.status !== 'stopped') this.setStatus('stopped', false);
      return;
    }
    if (this.status !== 'stopping') this.setStatus('stopping', false);
    await this.context.supervisor.stop(handle, this.context.record().restart.stopGraceMs);
    await handle.exited;
  }

  private async spawn(): Promise<void> {
    const generation = ++this.generation;
    const record = this.context.record();
    this.killReason = undefined;
    this.setStatus('starting', false);
    let port: number;
    try {
      port = await this.context.ports.allocate();
    } catch (error) {
      this.context.logs.system(record.name, this.index, `cannot start: ${(error as Error).message}`);
      if (generation === this.generation && !this.stopRequested) this.setStatus('crashed', false);
      return;
    }
    if (generation !== this.generation || this.stopRequested) return;
    this.port = port;
    const handle = this.context.supervisor.spawn({
      command: record.command,
      args: record.args,
      cwd: record.cwd ?? undefined,
      env: { ...record.env, PORT: String(port), HERVE_SERVICE: record.name, HERVE_INSTANCE: String(this.index) },
    });
    this.handle = handle;
    this.startedAt = Date.now();
    this.pid = handle.pid ?? null;
    this.captureOutput(handle, record.name);
    handle.onExit((exit) => this.handleExit(generation, handle, exit));
    if (handle.pid === undefined) return;
    this.context.rememberProcess({
      serviceUuid: record.uuid,
      index: this.index,
      pid: handle.pid,
      pgid: handle.pgid ?? handle.pid,
      port,
      startTime: readProcessStartTime(handle.pid) ?? '',
    });
    this.context.logs.system(record.name, this.index, `started pid ${handle.pid} on port ${port}`);
    this.context.changed();
    this.watchReadiness(port);
  }

  private captureOutput(handle: ProcessHandle, service: string): void {
    const stdout = this.context.logs.splitter(service, this.index, 'stdout');
    const stderr = this.context.logs.splitter(service, this.index, 'stderr');
    handle.onOutput((stream, chunk) => (stream === 'stdout' ? stdout : stderr).push(chunk));
    handle.onExit(() => {
      stdout.end();
      stderr.end();
    });
  }

  private watchReadiness(port: number): void {
    const { name, health } = this.context.record();
    this.readiness = new ReadinessWatch(port, health, {
      ready: (again) => {
        this.setStatus('running', true);
        this.context.logs.system(name, this.index, again ? 'healthy again' : `ready on port ${port}`);
      },
      unhealthy: (failures) => {
        this.setStatus('unhealthy', false);
        this.context.logs.system(name, this.index, `unhealthy: ${failures} failed probes of ${health.path}`);
      },
      restart: (reason) => this.killForRestart(reason),
    });
    this.readiness.start();
  }

  private stopWatching(): void {
    this.readiness?.close();
    this.readiness = undefined;
  }

  private killForRestart(reason: string): void {
    const handle = this.handle;
    if (!handle) return;
    this.killReason = reason;
    this.context.logs.system(this.context.record().name, this.index, `${reason} — restarting`);
    void this.context.supervisor.stop(handle, this.context.record().restart.stopGraceMs);
  }

  private handleExit(generation: number, handle: ProcessHandle, exit: ProcessExit): void {
    if (handle !== this.handle) return;
    const record = this.context.record();
    const now = Date.now();
    const stableRun = isStableRun(this.readySince, now);
    this.cancelBackoff();
    this.handle = undefined;
    if (handle.pid !== undefined) this.context.forgetProcess(this.index, handle.pid);
    this.pid = null;
    this.lastExit = { code: exit.code, signal: exit.signal, at: now };
    this.context.logs.system(record.name, this.index, describeExit(exit));
    if (this.stopRequested || generation !== this.generation) {
      this.setStatus('stopped', false);
      return;
    }
    const failed = this.killReason !== undefined || exitFailed(exit);
    const crashLoop = stableRun ? false : this.context.crashed(now);
    if (!wantsRestart(record.restart.policy, failed)) {
      this.setStatus(failed ? 'crashed' : 'stopped', false);
      return;
    }
    if (crashLoop) {
      this.setStatus('crashed', false);
      return;
    }
    const delay = this.backoff.next(stableRun, record.restart);
    this.setStatus('backoff', false);
    this.context.logs.system(record.name, this.index, delay === 0 ? 'restarting now' : `restarting in ${delay} ms`);
    this.backoffTimer = setTimeout(() => {
      this.backoffTimer = undefined;
      if (this.status !== 'backoff' || this.stopRequested) return;
      this.restarts += 1;
      this.context.restarted();
      void this.spawn();
    }, delay);
  }

  private setStatus(status: InstanceStatus, ready: boolean): void {
    this.status = status;
    if (ready && !this.ready) this.readySince = Date.now();
    if (!ready) this.readySince = null;
    this.ready = ready;
    if (status !== 'starting' && status !== 'running' && status !== 'unhealthy') this.stopWatching();
    if (status === 'stopped' || status === 'crashed' || status === 'backoff') this.port = null;
    this.context.changed();
  }

  private cancelBackoff(): void {
    clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
  }
}
