import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, bucketIndex, bucketLowerBound, bucketWidth, createBuckets, quantileOf } from '../../daemon/stats/latency-histogram.js';
import { RequestStatsRecorder } from '../../daemon/stats/request-stats.js';
import { itemAt } from '../helpers/item-at.js';

function exactQuantile(sorted: number[], quantile: number): number {
  return itemAt(sorted, Math.max(0, Math.ceil(quantile * sorted.length) - 1));
}

describe('latency histogram', () => {
  it('puts every value in a bucket whose bounds hold it, within 1/16', () => {
    for (let micros = 0; micros < 5_000_000; micros = Math.floor(micros * 1.01) + 1) {
      const index = bucketIndex(micros);
      expect(index).toBeLessThan(BUCKET_COUNT);
      const low = bucketLowerBound(index);
      expect(micros).toBeGreaterThanOrEqual(low);
      expect(micros).toBeLessThan(low + bucketWidth(index));
      // Exact (width 1) below 32 µs; log-linear above.
      if (low >= 32) expect(bucketWidth(index) / low).toBeLessThanOrEqual(1 / 16);
      else expect(bucketWidth(index)).toBe(1);
    }
  });

  it('matches exact percentiles of a skewed sample within 4 %', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    // Log-normal-ish latencies from 50 µs to ~2 s.
    const samples = Array.from({ length: 20_000 }, () => Math.floor(50 * Math.exp(random() * 10.6)));
    const buckets = createBuckets();
    for (const micros of samples) buckets[bucketIndex(micros)]! += 1;
    const sorted = [...samples].sort((a, b) => a - b);
    for (const quantile of [0.5, 0.9, 0.99, 0.999]) {
      const estimate = quantileOf(buckets, samples.length, quantile)!;
      const exact = exactQuantile(sorted, quantile);
      expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.04);
    }
    expect(quantileOf(createBuckets(), 0, 0.5)).toBeNull();
  });

  it('clamps values out of range instead of failing', () => {
    expect(bucketIndex(-5)).toBe(0);
    expect(bucketIndex(1e12)).toBe(BUCKET_COUNT - 1);
  });
});

describe('request stats window', () => {
  it('reports percentiles, rate, errors and bytes per service', () => {
    let now = 1_000_000;
    const stats = new RequestStatsRecorder({ now: () => now });
    for (let i = 1; i <= 100; i++) stats.record('api', i % 2, i === 100 ? 502 : 200, 10, i);
    now += 1000;
    const summary = stats.forService('api')!;
    expect(summary.total).toBe(100);
    expect(summary.errors5xx).toBe(1);
    expect(summary.errorRate).toBeCloseTo(0.01);
    expect(summary.bytesOut).toBe(1000);
    expect(summary.ratePerSec).toBe(100);
    expect(summary.p50Ms).toBeCloseTo(50, -0.5);
    expect(summary.p90Ms).toBeCloseTo(90, -0.7);
    expect(summary.p99Ms).toBeCloseTo(99, -0.8);
    expect(stats.forInstance('api', 1)).toEqual({ total: 50, errors5xx: 0, bytesOut: 500 });
    expect(stats.forInstance('api', 0)).toEqual({ total: 50, errors5xx: 1, bytesOut: 500 });
    expect(stats.forService('other')).toBeNull();
  });

  it('slides: old seconds leave the percentiles, totals stay', () => {
    let now = 5_000_000;
    const stats = new RequestStatsRecorder({ windowSeconds: 10, now: () => now });
    for (let i = 0; i < 50; i++) stats.record('api', 0, 200, 1, 500);
    now += 5_000;
    for (let i = 0; i < 50; i++) stats.record('api', 0, 200, 1, 2);
    expect(stats.forService('api')!.p99Ms).toBeGreaterThan(400);

    now += 6_000; // The slow second is now 11 s old: out of a 10 s window.
    const later = stats.forService('api')!;
    expect(later.p99Ms).toBeLessThan(3);
    expect(later.total).toBe(100);
    expect(later.ratePerSec).toBeCloseTo(5);

    now += 10_000;
    const idle = stats.forService('api')!;
    expect(idle.p50Ms).toBeNull();
    expect(idle.ratePerSec).toBe(0);
    expect(idle.errorRate).toBe(0);
  });

  it('reuses a slot a full window later without keeping its old counts', () => {
    let now = 0;
    const stats = new RequestStatsRecorder({ windowSeconds: 3, now: () => now });
    stats.record('api', null, 200, 0, 100);
    now = 3_000; // Same slot (3 % 3 === 0), new second.
    stats.record('api', null, 200, 0, 1);
    const summary = stats.forService('api')!;
    expect(summary.p99Ms).toBeLessThan(2);
    expect(summary.total).toBe(2);
  });
});
