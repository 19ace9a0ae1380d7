import { describeProbe, type ExitInfo, type InstanceInfo, type InstanceStatus } from '../../protocol/index.js';
import { readProcessStartTime } from '../../platform/proc.js';
import type { ProcessExit, ProcessHandle } from '../supervisor/index.js';
import type { InstanceContext } from './context.js';
import { expandCommand } from './expand-vars.js';
import { fixedPortProblem } from './port-allocator.js';
import { ReadinessWatch } from './readiness-watch.js';
import { serviceEnvironment } from './service-env.js';
import type { InstanceTarget, ServiceInstance } from './remote-instance.js';
import { BackoffCounter, isStableRun, wantsRestart } from './restart-policy.js';
import { describeError } from '../shared/errors.js';

function describeExit(exit: ProcessExit): string {
  if (exit.spawnError) return `failed to start: ${exit.spawnError}`;
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.code === null) return 'ended, its exit status unknown';
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
  /** Out of the routing table while its in-flight requests finish (a rolling restart retires it). */
  draining = false;
  /** Its part in a rolling restart, for the view clients get. */
  roll: 'old' | 'new' | undefined;
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
  /** A spawn under way (the monitor reports the pid a moment later): a stop waits for it. */
  private spawning: Promise<void> | undefined;

  constructor(
    readonly index: number,
    private readonly context: InstanceContext,
  ) {}

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
      ...(this.roll ? { roll: this.roll } : {}),
      ...(this.draining ? { draining: true } : {}),
    };
  }

  /** The port to route to, when ready. */
  /** The port that takes traffic now, or null (not ready, or draining). */
  targetPort(): number | null {
    return this.routeTarget()?.port ?? null;
  }

  routeTarget(): InstanceTarget | null {
    return this.ready && this.status === 'running' && !this.draining && this.port !== null ? { port: this.port } : null;
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
    await this.spawning;
    const handle = this.handle;
    if (!handle) {
      if (this.status !== 'stopped') this.setStatus('stopped', false);
      return;
    }
    if (this.status !== 'stopping') this.setStatus('stopping', false);
    const { stop } = this.context.record();
    await this.context.supervisor.stop(handle, stop.graceMs, stop.signal);
    await handle.exited;
  }

  /**
   * Take over a process a dead daemon left running (or its recorded exit, when it ended meanwhile):
   * same pid and port, output and probes resumed; an ended one is restarted by its policy.
   */
  adopt(handle: ProcessHandle, port: number | null, endedMeanwhile: boolean): void {
    const generation = ++this.generation;
    const { name } = this.context.record();
    this.stopRequested = false;
    this.handle = handle;
    this.pid = handle.pid ?? null;
    this.port = port;
    this.startedAt = Date.now();
    this.setStatus('starting', false);
    this.context.logs.system(
      name,
      this.index,
      endedMeanwhile
        ? `pid ${handle.pid} ended while no daemon was running`
        : `re-adopted pid ${handle.pid} on port ${port}, left running by a daemon that died`,
    );
    this.captureOutput(handle, name);
    handle.onExit((exit) => this.handleExit(generation, handle, exit));
    if (!endedMeanwhile && port !== null) {
      this.watchReadiness(port, serviceEnvironment(process.env, this.context.record().env, { port, service: name, instance: this.index }));
    }
  }

  private spawn(): Promise<void> {
    this.spawning = this.spawnNow().finally(() => (this.spawning = undefined));
    return this.spawning;
  }

  private async spawnNow(): Promise<void> {
    const generation = ++this.generation;
    const record = this.context.record();
    this.killReason = undefined;
    this.setStatus('starting', false);
    let port: number;
    try {
      port = record.port ?? (await this.context.ports.allocate());
      const problem = record.port === null ? null : await fixedPortProblem(record.port);
      if (problem) throw new Error(problem);
    } catch (error) {
      this.context.logs.system(record.name, this.index, `cannot start: ${describeError(error)}`);
      if (generation === this.generation && !this.stopRequested) this.setStatus('crashed', false);
      return;
    }
    if (generation !== this.generation || this.stopRequested) return;
    this.port = port;
    const env = serviceEnvironment(process.env, record.env, { port, service: record.name, instance: this.index });
    // $PORT and ${NAME:-default} in the command and its arguments come from the environment the instance gets.
    const instanceEnv = env;
    const handle = await this.context.supervisor.spawn({
      ...expandCommand(record.command, record.args, instanceEnv),
      cwd: record.cwd ?? undefined,
      env,
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
      monitorPid: handle.monitor?.pid ?? null,
      monitorStartTime: handle.monitor?.startTime ?? null,
    });
    this.context.logs.system(record.name, this.index, `started pid ${handle.pid} on port ${port}`);
    this.context.changed();
    this.watchReadiness(port, instanceEnv);
  }

  private captureOutput(handle: ProcessHandle, service: string): void {
    const stdout = this.context.logs.splitter(service, this.index, 'stdout');
    const stderr = this.context.logs.splitter(service, this.index, 'stderr');
    handle.onOutput((stream, chunk) => {
      (stream === 'stdout' ? stdout : stderr).push(chunk);
      // The next chunk is read once these lines are on disk: a daemon killed meanwhile loses at most this one.
      return this.context.logs.written(service);
    });
    handle.onExit(() => {
      stdout.end();
      stderr.end();
    });
  }

  private watchReadiness(port: number, env: Record<string, string | undefined>): void {
    const { name, health, cwd } = this.context.record();
    this.readiness = new ReadinessWatch({ port, cwd: cwd ?? undefined, env }, health, {
      ready: (again) => {
        this.setStatus('running', true);
        this.context.logs.system(name, this.index, again ? 'healthy again' : `ready on port ${port}`);
      },
      unhealthy: (failures) => {
        this.setStatus('unhealthy', false);
        this.context.logs.system(name, this.index, `unhealthy: ${failures} failed probes (${describeProbe(health)})`);
      },
      restart: (reason) => this.restartFor(reason),
    });
    this.readiness.start();
  }

  private stopWatching(): void {
    this.readiness?.close();
    this.readiness = undefined;
  }

  /** Stop it as a failure, so its restart policy decides what follows (a probe or passive health asks). */
  restartFor(reason: string): void {
    const handle = this.handle;
    if (!handle) return;
    this.killReason = reason;
    this.context.logs.system(this.context.record().name, this.index, `${reason} — restarting`);
    const { stop } = this.context.record();
    void this.context.supervisor.stop(handle, stop.graceMs, stop.signal);
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
