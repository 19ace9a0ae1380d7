import type { ExitInfo, InstanceInfo, InstanceStatus } from '../../protocol/index.js';
import { readProcessStartTime } from '../proc.js';
import type { ProcessExit, ProcessHandle } from '../supervisor/index.js';
import type { InstanceContext } from './context.js';
import { HealthProbe } from './health-probe.js';
import { BackoffCounter, isStableRun, wantsRestart } from './restart-policy.js';

/**
 * While an instance starts, probe soon and then less and less often (up to the health interval):
 * a fast starter turns ready a few ms after it listens, a slow one costs few probes.
 */
const FIRST_STARTING_PROBE_MS = 10;
const STARTING_PROBE_GROWTH = 1.5;

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
export class Instance {
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
  /** Bumped on every spawn and stop: callbacks from an older run are ignored. */
  private generation = 0;
  private stopRequested = false;
  /** Set when the daemon itself kills the instance (start timeout, unhealthy): the exit then counts as a failure. */
  private killReason: string | undefined;
  private readonly backoff = new BackoffCounter();
  private probe: HealthProbe | undefined;
  private successes = 0;
  private startingProbeDelay = FIRST_STARTING_PROBE_MS;
  private failures = 0;
  private timers = new Set<NodeJS.Timeout>();
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
  targetPort(): number | null {
    return this.ready && this.status === 'running' ? this.port : null;
  }

  currentPid(): number | null {
    return this.pid;
  }

  /** Start if not running; a user start also clears the backoff and a crash. */
  async start(): Promise<void> {
    if (this.status === 'stopping') await this.handle?.exited;
    this.stopRequested = false;
    if (this.status !== 'stopped' && this.status !== 'crashed' && this.status !== 'backoff') return;
    this.clearTimers();
    this.backoff.reset();
    await this.spawn();
  }

  /** Drain (no longer a target), then SIGTERM the group, SIGKILL after the grace period. */
  /** SIGKILL the process group now: for a daemon told twice to go. */
  kill(): void {
    if (this.handle) this.context.supervisor.signal(this.handle, 'SIGKILL');
  }

  stop(): Promise<void> {
    this.stopping ??= this.stopNow().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private async stopNow(): Promise<void> {
    this.stopRequested = true;
    this.clearTimers();
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
    const port = await this.context.ports.allocate();
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
    this.watchReadiness(generation);
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

  private watchReadiness(generation: number): void {
    const { health } = this.context.record();
    if (health.path === null) {
      this.becomeReady();
      return;
    }
    this.probe = new HealthProbe(this.port!, health.path);
    this.successes = 0;
    this.failures = 0;
    this.after(health.startTimeoutMs, () => {
      if (generation === this.generation && !this.ready && this.status === 'starting') {
        this.killForRestart(`not ready within ${health.startTimeoutMs} ms`);
      }
    });
    this.startingProbeDelay = FIRST_STARTING_PROBE_MS;
    this.scheduleProbe(generation, this.nextProbeDelay());
  }

  private nextProbeDelay(): number {
    const { intervalMs } = this.context.record().health;
    if (this.status !== 'starting') return intervalMs;
    const delay = Math.min(this.startingProbeDelay, intervalMs);
    this.startingProbeDelay *= STARTING_PROBE_GROWTH;
    return delay;
  }

  private scheduleProbe(generation: number, delayMs: number): void {
    this.after(delayMs, () => void this.runProbe(generation));
  }

  private async runProbe(generation: number): Promise<void> {
    const probe = this.probe;
    if (!probe || generation !== this.generation || this.killReason) return;
    const { health } = this.context.record();
    const healthy = await probe.check(health.timeoutMs);
    if (generation !== this.generation || this.status === 'stopping' || this.killReason) return;
    if (healthy) {
      this.failures = 0;
      this.successes += 1;
      if (!this.ready && this.successes >= health.healthyThreshold) this.becomeReady();
    } else {
      this.successes = 0;
      this.failures += 1;
      if (this.ready && this.failures >= health.unhealthyThreshold) this.becomeUnhealthy(generation);
    }
    this.scheduleProbe(generation, this.nextProbeDelay());
  }

  private becomeReady(): void {
    const wasUnhealthy = this.status === 'unhealthy';
    this.clearTimers();
    this.setStatus('running', true);
    const record = this.context.record();
    this.context.logs.system(record.name, this.index, wasUnhealthy ? 'healthy again' : `ready on port ${this.port}`);
  }

  private becomeUnhealthy(generation: number): void {
    const { name, health } = this.context.record();
    this.setStatus('unhealthy', false);
    this.context.logs.system(name, this.index, `unhealthy: ${this.failures} failed probes of ${health.path}`);
    if (health.restartAfterMs > 0) {
      this.after(health.restartAfterMs, () => {
        if (generation === this.generation && this.status === 'unhealthy') {
          this.killForRestart(`unhealthy for ${health.restartAfterMs} ms`);
        }
      });
    }
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
    this.clearTimers();
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
    this.context.logs.system(record.name, this.index, `restarting in ${delay} ms`);
    this.after(delay, () => {
      if (this.status !== 'backoff' || this.stopRequested) return;
      this.restarts += 1;
      this.context.restarted();
      void this.spawn();
    });
  }

  private setStatus(status: InstanceStatus, ready: boolean): void {
    this.status = status;
    if (ready && !this.ready) this.readySince = Date.now();
    if (!ready) this.readySince = null;
    this.ready = ready;
    if (status !== 'starting' && status !== 'running' && status !== 'unhealthy') this.closeProbe();
    if (status === 'stopped' || status === 'crashed' || status === 'backoff') this.port = null;
    this.context.changed();
  }

  private closeProbe(): void {
    this.probe?.close();
    this.probe = undefined;
  }

  private after(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
