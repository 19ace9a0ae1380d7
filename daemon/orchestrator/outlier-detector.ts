import type { InstanceEjection, PassiveHealthSpec } from '../../protocol/index.js';

/** Each ejection in a row doubles the cool-down, up to this many times the first one. */
const MAX_COOL_DOWN_GROWTH = 8;

/**
 * The passive-health rule for one run of one instance (a new process starts a new detector).
 * Failures are counted within a fail window, and a success starts the count over; reaching
 * `maxFails` trips it. Each ejection in a row doubles the cool-down; the `restartAfterEjections`-th
 * asks for a restart instead. A healthy period, a whole fail window back in rotation without being
 * ejected, starts the row over. Time is passed in, so the rule is the same in tests and in the daemon.
 */
export class OutlierDetector {
  ejection: InstanceEjection | null = null;
  /** Tripped while it could not be ejected (the last routable instance): said once until it recovers. */
  spared = false;
  private failures = 0;
  private windowStart = 0;
  private streak = 0;
  private returnedAt: number | null = null;

  constructor(private readonly spec: () => PassiveHealthSpec) {}

  /** Count a failure; true when it reaches `maxFails` (the caller then ejects, or spares). */
  failed(at: number): boolean {
    const { maxFails, failWindowMs } = this.spec();
    if (maxFails === 0 || this.ejection !== null) return false;
    if (this.failures === 0 || at - this.windowStart > failWindowMs) {
      this.failures = 0;
      this.windowStart = at;
    }
    this.failures += 1;
    return this.failures >= maxFails;
  }

  succeeded(): void {
    this.failures = 0;
    this.spared = false;
  }

  /** Tripped but kept in rotation: count again from zero. */
  spare(): void {
    this.failures = 0;
    this.spared = true;
  }

  /**
   * Take it out of rotation after the failures counted, the last one being `reason`; `restartable`: it has a
   * process. The ejection's `until` is null when it is to be restarted instead.
   */
  trip(at: number, reason: string, restartable = true): InstanceEjection {
    const spec = this.spec();
    if (this.returnedAt !== null && at - this.returnedAt >= spec.failWindowMs) this.streak = 0;
    this.streak += 1;
    const restart = restartable && spec.restartAfterEjections > 0 && this.streak >= spec.restartAfterEjections;
    const coolDownMs = spec.coolDownMs * Math.min(2 ** (this.streak - 1), MAX_COOL_DOWN_GROWTH);
    this.ejection = { until: restart ? null : at + coolDownMs, failures: this.failures, reason, streak: this.streak };
    this.failures = 0;
    this.spared = false;
    return this.ejection;
  }

  /** The cool-down is over: back in rotation, counting from zero. */
  returned(at: number): void {
    this.ejection = null;
    this.failures = 0;
    this.returnedAt = at;
  }
}
