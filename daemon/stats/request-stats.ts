import type { RequestStats } from '../../protocol/index.js';
import type { RequestStatsSource } from '../shared/contracts.js';
import { BUCKET_COUNT, bucketIndex, quantileOf } from './latency-histogram.js';

/** Upper bounds (seconds) of the Prometheus latency histogram. */
export const PROMETHEUS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export interface InstanceCounters {
  total: number;
  errors5xx: number;
  bytesOut: number;
}

/** Cumulative figures of one service since the daemon started (what /metrics exports). */
export interface ServiceTotals {
  total: number;
  errors5xx: number;
  bytesOut: number;
  /** Index 1..5: requests by status class (1xx..5xx); index 0: anything else. */
  statusClasses: Float64Array;
  /** Per PROMETHEUS_BUCKETS slot, plus one for +Inf; not cumulative. */
  latencyBuckets: Float64Array;
  latencySumSeconds: number;
}

/**
 * The sliding window: one slot per second, each with a count, a 5xx count and a
 * log-linear latency histogram. A slot is wiped when a new second reuses it.
 */
class ServiceWindow {
  readonly totals: ServiceTotals = {
    total: 0,
    errors5xx: 0,
    bytesOut: 0,
    statusClasses: new Float64Array(6),
    latencyBuckets: new Float64Array(PROMETHEUS_BUCKETS.length + 1),
    latencySumSeconds: 0,
  };
  readonly instances = new Map<number, InstanceCounters>();
  private readonly slotSecond: Float64Array;
  private readonly slotCount: Uint32Array;
  private readonly slotErrors: Uint32Array;
  private readonly slotBuckets: Uint32Array;

  constructor(
    private readonly windowSeconds: number,
    readonly firstSecond: number,
  ) {
    this.slotSecond = new Float64Array(windowSeconds).fill(-1);
    this.slotCount = new Uint32Array(windowSeconds);
    this.slotErrors = new Uint32Array(windowSeconds);
    this.slotBuckets = new Uint32Array(windowSeconds * BUCKET_COUNT);
  }

  record(second: number, instance: number | null, status: number, bytesOut: number, latencyMs: number): void {
    const slot = second % this.windowSeconds;
    if (this.slotSecond[slot] !== second) this.resetSlot(slot, second);
    const isError = status >= 500 ? 1 : 0;
    this.slotCount[slot]!++;
    this.slotErrors[slot]! += isError;
    this.slotBuckets[slot * BUCKET_COUNT + bucketIndex(latencyMs * 1000)]!++;
    this.recordTotals(status, isError, bytesOut, latencyMs / 1000);
    if (instance !== null) this.recordInstance(instance, isError, bytesOut);
  }

  summary(nowSecond: number): RequestStats {
    const merged = new Uint32Array(BUCKET_COUNT);
    let count = 0;
    let errors = 0;
    let completedCount = 0;
    for (let slot = 0; slot < this.windowSeconds; slot++) {
      const second = this.slotSecond[slot]!;
      if (second < 0 || second <= nowSecond - this.windowSeconds || second > nowSecond) continue;
      const slotCount = this.slotCount[slot]!;
      count += slotCount;
      errors += this.slotErrors[slot]!;
      if (second < nowSecond) completedCount += slotCount;
      const offset = slot * BUCKET_COUNT;
      for (let index = 0; index < BUCKET_COUNT; index++) merged[index]! += this.slotBuckets[offset + index]!;
    }
    const elapsed = Math.min(this.windowSeconds, nowSecond - this.firstSecond);
    const ratePerSec = elapsed >= 1 ? completedCount / elapsed : count;
    return {
      total: this.totals.total,
      ratePerSec,
      errors5xx: this.totals.errors5xx,
      errorRate: count === 0 ? 0 : errors / count,
      p50Ms: toMillis(quantileOf(merged, count, 0.5)),
      p90Ms: toMillis(quantileOf(merged, count, 0.9)),
      p99Ms: toMillis(quantileOf(merged, count, 0.99)),
      bytesOut: this.totals.bytesOut,
    };
  }

  private resetSlot(slot: number, second: number): void {
    this.slotSecond[slot] = second;
    this.slotCount[slot] = 0;
    this.slotErrors[slot] = 0;
    this.slotBuckets.fill(0, slot * BUCKET_COUNT, (slot + 1) * BUCKET_COUNT);
  }

  private recordTotals(status: number, isError: number, bytesOut: number, latencySeconds: number): void {
    const totals = this.totals;
    totals.total++;
    totals.errors5xx += isError;
    totals.bytesOut += bytesOut;
    const statusClass = (status / 100) | 0;
    totals.statusClasses[statusClass >= 1 && statusClass <= 5 ? statusClass : 0]!++;
    let bucket = 0;
    while (bucket < PROMETHEUS_BUCKETS.length && latencySeconds > PROMETHEUS_BUCKETS[bucket]!) bucket++;
    totals.latencyBuckets[bucket]!++;
    totals.latencySumSeconds += latencySeconds;
  }

  private recordInstance(instance: number, isError: number, bytesOut: number): void {
    let counters = this.instances.get(instance);
    if (counters === undefined) {
      counters = { total: 0, errors5xx: 0, bytesOut: 0 };
      this.instances.set(instance, counters);
    }
    counters.total++;
    counters.errors5xx += isError;
    counters.bytesOut += bytesOut;
  }
}

function toMillis(micros: number | null): number | null {
  return micros === null ? null : Math.round(micros) / 1000;
}

export interface RequestStatsOptions {
  /** Seconds the percentiles, rate and error rate look back over (default 60). */
  windowSeconds?: number;
  /** Clock in epoch milliseconds; tests pass their own. */
  now?: () => number;
}

/** Where the proxy records each request's figures. */
export interface RequestStatsSink {
  record(service: string, instance: number | null, status: number, bytesOut: number, latencyMs: number): void;
}

/** Per-service proxy traffic: O(1) recording, window figures on demand. */
export class RequestStatsRecorder implements RequestStatsSource, RequestStatsSink {
  private readonly services = new Map<string, ServiceWindow>();
  private readonly windowSeconds: number;
  private readonly now: () => number;

  constructor(options: RequestStatsOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 60;
    this.now = options.now ?? Date.now;
  }

  /** Positional on purpose: the proxy calls this once per request without allocating a sample. `atMs`: when it was served (a front-door worker's request arrives later). */
  record(service: string, instance: number | null, status: number, bytesOut: number, latencyMs: number, atMs = this.now()): void {
    const second = Math.floor(atMs / 1000);
    let window = this.services.get(service);
    if (window === undefined) {
      window = new ServiceWindow(this.windowSeconds, second);
      this.services.set(service, window);
    }
    window.record(second, instance, status, bytesOut, latencyMs);
  }

  forService(name: string): RequestStats | null {
    const window = this.services.get(name);
    return window === undefined ? null : window.summary(Math.floor(this.now() / 1000));
  }

  forInstance(name: string, instance: number): InstanceCounters | null {
    return this.services.get(name)?.instances.get(instance) ?? null;
  }

  /** Cumulative totals of every service seen, for the Prometheus export. */
  totals(): Map<string, ServiceTotals> {
    const result = new Map<string, ServiceTotals>();
    for (const [name, window] of this.services) result.set(name, window.totals);
    return result;
  }
}
