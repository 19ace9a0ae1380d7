import type { HealthSpec } from '../../protocol/index.js';
import { createProbe, type Probe, type ProbeTarget } from './probes.js';

/**
 * While an instance starts, probe soon and then less and less often (up to the health interval):
 * a fast starter turns ready a few ms after it listens, a slow one costs few probes.
 */
const FIRST_STARTING_PROBE_MS = 10;
const STARTING_PROBE_GROWTH = 1.5;

export interface ReadinessEvents {
  /** Passed `healthyThreshold` probes in a row: first readiness, or `again` after being unhealthy. */
  ready(again: boolean): void;
  /** A ready instance failed `unhealthyThreshold` probes in a row. */
  unhealthy(failures: number): void;
  /** Never ready within startTimeoutMs, or unhealthy for restartAfterMs: the instance must be restarted. */
  restart(reason: string): void;
}

/**
 * Readiness and liveness of one running process, from its probe (HTTP, TCP or a command),
 * or ready at once without one. Stops probing once it asks for a restart.
 */
export class ReadinessWatch {
  private readonly probe: Probe | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private everReady = false;
  private ready = false;
  private successes = 0;
  private failures = 0;
  private startingDelay = FIRST_STARTING_PROBE_MS;
  private closed = false;

  /** `target`: where a local instance runs (HTTP, TCP or exec probe), or a probe of its own for a health path (a remote upstream). */
  constructor(
    target: ProbeTarget | ((path: string) => Probe),
    private readonly health: HealthSpec,
    private readonly events: ReadinessEvents,
  ) {
    if (typeof target !== 'function') this.probe = createProbe(health, target);
    else this.probe = health.path === null ? undefined : target(health.path);
  }

  start(): void {
    if (!this.probe) {
      this.ready = this.everReady = true;
      this.events.ready(false);
      return;
    }
    const { startTimeoutMs } = this.health;
    this.after(startTimeoutMs, () => {
      if (!this.everReady) this.giveUp(`not ready within ${startTimeoutMs} ms`);
    });
    this.scheduleProbe();
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.probe?.close();
  }

  private scheduleProbe(): void {
    let delay = this.health.intervalMs;
    if (!this.everReady) {
      delay = Math.min(this.startingDelay, delay);
      this.startingDelay *= STARTING_PROBE_GROWTH;
    }
    this.after(delay, () => void this.runProbe());
  }

  private async runProbe(): Promise<void> {
    const healthy = await this.probe!.check(this.health.timeoutMs);
    if (this.closed) return;
    if (healthy) this.passed();
    else this.failed();
    if (!this.closed) this.scheduleProbe();
  }

  private passed(): void {
    this.failures = 0;
    this.successes += 1;
    if (this.ready || this.successes < this.health.healthyThreshold) return;
    const again = this.everReady;
    this.ready = this.everReady = true;
    // Turning ready again cancels a pending liveness restart.
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.events.ready(again);
  }

  private failed(): void {
    this.successes = 0;
    this.failures += 1;
    if (!this.ready || this.failures < this.health.unhealthyThreshold) return;
    this.ready = false;
    this.events.unhealthy(this.failures);
    const { restartAfterMs } = this.health;
    if (restartAfterMs > 0) {
      this.after(restartAfterMs, () => {
        if (!this.ready) this.giveUp(`unhealthy for ${restartAfterMs} ms`);
      });
    }
  }

  private giveUp(reason: string): void {
    this.close();
    this.events.restart(reason);
  }

  private after(delayMs: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      action();
    }, delayMs);
    this.timers.add(timer);
  }
}
