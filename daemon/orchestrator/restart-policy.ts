import type { RestartPolicy, RestartSpec } from '../../protocol/index.js';

/**
 * An instance ready at least this long had a stable run: its exit restarts it at once and
 * does not count toward the crash loop. A service that served and was then killed is not looping
 * (the same idea as PM2's min_uptime); one that dies before or right after turning ready is.
 */
export const STABLE_READY_MS = 1000;

/** Whether a run was stable: ready (healthy) for at least STABLE_READY_MS before it ended. */
export function isStableRun(readySince: number | null, endedAt: number): boolean {
  return readySince !== null && endedAt - readySince >= STABLE_READY_MS;
}

/** Whether an exit calls for a restart under the policy; `failed`: non-zero code, a signal, or killed by the daemon. */
export function wantsRestart(policy: RestartPolicy, failed: boolean): boolean {
  if (policy === 'always') return true;
  if (policy === 'never') return false;
  return failed;
}

/** Delay before the n-th consecutive restart (n >= 1): initial, doubled each time, capped. */
export function backoffDelay(attempt: number, spec: Pick<RestartSpec, 'backoffInitialMs' | 'backoffMaxMs'>): number {
  const exponent = Math.max(0, attempt - 1);
  // 2^31 already exceeds every allowed cap; keeps the arithmetic finite.
  const delay = spec.backoffInitialMs * 2 ** Math.min(exponent, 31);
  return Math.min(delay, spec.backoffMaxMs);
}

/**
 * Counts crashes over a sliding window. `record` returns true when the limit is reached:
 * the service is in a crash loop and must not be restarted until someone starts it again.
 */
export class CrashLoopDetector {
  private crashes: number[] = [];

  constructor(private readonly spec: Pick<RestartSpec, 'crashLoopLimit' | 'crashLoopWindowMs'>) {}

  record(at: number): boolean {
    const windowStart = at - this.spec.crashLoopWindowMs;
    this.crashes = this.crashes.filter((time) => time > windowStart);
    this.crashes.push(at);
    return this.crashes.length >= this.spec.crashLoopLimit;
  }

  reset(): void {
    this.crashes = [];
  }
}

/** Consecutive-failure counter of one instance, reset by a stable run. */
export class BackoffCounter {
  private attempts = 0;

  /**
   * Call on an unexpected exit; returns the delay before the restart. After a stable run the
   * restart is immediate (a service that served well and was killed should answer again at
   * once); consecutive unstable exits back off from the initial delay.
   */
  next(stableRun: boolean, spec: Pick<RestartSpec, 'backoffInitialMs' | 'backoffMaxMs'>): number {
    if (stableRun) {
      this.attempts = 0;
      return 0;
    }
    this.attempts += 1;
    return backoffDelay(this.attempts, spec);
  }

  reset(): void {
    this.attempts = 0;
  }
}
