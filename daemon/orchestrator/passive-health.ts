import type { InstanceEjection, InstanceHealthChange, PassiveHealthSpec } from '../../protocol/index.js';
import type { ServiceLogs } from './context.js';
import { OutlierDetector } from './outlier-detector.js';
import type { ServiceInstance } from './remote-instance.js';

export interface PassiveHealthDeps {
  name(): string;
  spec(): PassiveHealthSpec;
  instances(): readonly ServiceInstance[];
  logs: ServiceLogs;
  /** An instance left rotation, came back, or is being restarted (the service changed too). */
  changed(change: InstanceHealthChange): void;
}

/** One process run of an instance and its detector: a new pid is a new run, with a clean record. */
interface Run {
  pid: number | null;
  detector: OutlierDetector;
  timer?: NodeJS.Timeout;
}

/** What the proxy reports as a failure: connection failures and timeouts always, 5xx answers when asked. */
function failureOf(status: number, failure: string | undefined, count5xx: boolean): string | null {
  if (status === 0) return failure ?? 'no response';
  return count5xx && status >= 500 && status <= 599 ? `HTTP ${status}` : null;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Passive health of one service's instances, from what the front door reports of each request:
 * ejections out of rotation (never of the last routable instance), their end, and restarts through
 * the instance's normal restart path. The rule itself is OutlierDetector's.
 */
export class PassiveHealth {
  private readonly runs = new Map<ServiceInstance, Run>();

  constructor(private readonly deps: PassiveHealthDeps) {}

  /** One answer (`status`) or failure (`status` 0 and why) of the instance at `index`, reached on `port`. */
  report(index: number, port: number, status: number, failure?: string): void {
    const spec = this.deps.spec();
    const problem = failureOf(status, failure, spec.count5xx);
    if (problem === null) {
      if (this.runs.size > 0) this.findRun(index)?.detector.succeeded();
      return;
    }
    const instance = this.deps.instances().find((candidate) => candidate.index === index);
    // A failure from a process that has since been replaced (another port) says nothing of the new one.
    if (instance === undefined || instance.routeTarget()?.port !== port) return;
    const run = this.runOf(instance);
    if (run.detector.failed(Date.now())) this.tripped(instance, run, problem);
  }

  /** Out of rotation now (the service's router may still fall back on it when nothing else is left). */
  isEjected(instance: ServiceInstance): boolean {
    return this.runs.size > 0 && this.ejectionOf(instance) !== undefined;
  }

  ejectionOf(instance: ServiceInstance): InstanceEjection | undefined {
    const run = this.runs.get(instance);
    if (run === undefined || run.pid !== instance.currentPid()) return undefined;
    return run.detector.ejection ?? undefined;
  }

  close(): void {
    for (const run of this.runs.values()) clearTimeout(run.timer);
    this.runs.clear();
  }

  private findRun(index: number): Run | undefined {
    for (const [instance, run] of this.runs) if (instance.index === index && run.pid === instance.currentPid()) return run;
    return undefined;
  }

  private runOf(instance: ServiceInstance): Run {
    const pid = instance.currentPid();
    const known = this.runs.get(instance);
    if (known !== undefined && known.pid === pid) return known;
    clearTimeout(known?.timer);
    this.forgetGoneInstances();
    const run: Run = { pid, detector: new OutlierDetector(() => this.deps.spec()) };
    this.runs.set(instance, run);
    return run;
  }

  private forgetGoneInstances(): void {
    const current = new Set(this.deps.instances());
    for (const [instance, run] of this.runs) {
      if (current.has(instance)) continue;
      clearTimeout(run.timer);
      this.runs.delete(instance);
    }
  }

  private tripped(instance: ServiceInstance, run: Run, reason: string): void {
    if (!this.othersRoutable(instance)) {
      if (!run.detector.spared)
        this.log(
          instance,
          `instance ${instance.index} failed ${this.deps.spec().maxFails} times (${reason}) but is the last routable instance of ${this.deps.name()}: kept in rotation`,
        );
      run.detector.spare();
      return;
    }
    // An instance that cannot be restarted (a remote upstream) keeps being ejected, for longer each time.
    const ejection = run.detector.trip(Date.now(), reason, instance.restartFor !== undefined);
    const failures = `${ejection.failures} failures: ${reason}`;
    if (ejection.until === null) {
      const why = `ejected ${ejection.streak} times in a row (last after ${failures})`;
      this.announce(instance, 'restarting', ejection, `instance ${instance.index} ${why}`);
      instance.restartFor?.(why);
      return;
    }
    const coolDownMs = ejection.until - Date.now();
    run.timer = setTimeout(() => this.returned(instance, run, coolDownMs), coolDownMs).unref();
    this.announce(instance, 'ejected', ejection, `instance ${instance.index} ejected after ${failures}; back in ${seconds(coolDownMs)}`);
  }

  private returned(instance: ServiceInstance, run: Run, coolDownMs: number): void {
    const ejection = run.detector.ejection;
    if (this.runs.get(instance) !== run || run.pid !== instance.currentPid() || ejection === null) return;
    run.detector.returned(Date.now());
    this.announce(instance, 'returned', ejection, `instance ${instance.index} back in rotation after a ${seconds(coolDownMs)} cool-down`);
  }

  private othersRoutable(instance: ServiceInstance): boolean {
    return this.deps.instances().some((other) => other !== instance && other.routeTarget() !== null && !this.isEjected(other));
  }

  private announce(instance: ServiceInstance, change: InstanceHealthChange['change'], ejection: InstanceEjection, message: string): void {
    this.log(instance, message);
    this.deps.changed({
      service: this.deps.name(),
      instance: instance.index,
      change,
      ejection: { ...ejection },
      message,
    });
  }

  private log(instance: ServiceInstance, line: string): void {
    this.deps.logs.system(this.deps.name(), instance.index, line);
  }
}
