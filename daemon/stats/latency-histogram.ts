/**
 * Log-linear latency buckets (HdrHistogram-like): exact below 32 µs, then 16
 * sub-buckets per power of two, so any recorded value is within 1/16 (6.25 %)
 * of its bucket's bounds. Values are microseconds, capped near 134 s.
 */
const SUB_BITS = 4;
const SUB_COUNT = 1 << SUB_BITS;
const LINEAR_LIMIT = SUB_COUNT * 2;
const MAX_EXPONENT = 26;
const MAX_MICROS = 2 ** (MAX_EXPONENT + 1) - 1;

/** Number of buckets a histogram array needs. */
export const BUCKET_COUNT = (MAX_EXPONENT - SUB_BITS) * SUB_COUNT + LINEAR_LIMIT;

export function bucketIndex(micros: number): number {
  const value = micros < 0 ? 0 : micros > MAX_MICROS ? MAX_MICROS : Math.floor(micros);
  if (value < LINEAR_LIMIT) return value;
  const exponent = 31 - Math.clz32(value);
  const shift = exponent - SUB_BITS;
  return shift * SUB_COUNT + (value >>> shift);
}

/** Lowest value (µs) that falls in the bucket. */
export function bucketLowerBound(index: number): number {
  if (index < LINEAR_LIMIT) return index;
  const shift = Math.floor(index / SUB_COUNT) - 1;
  const mantissa = index - shift * SUB_COUNT;
  return mantissa * 2 ** shift;
}

/** Width of the bucket in µs (1 in the exact range). */
export function bucketWidth(index: number): number {
  if (index < LINEAR_LIMIT) return 1;
  return 2 ** (Math.floor(index / SUB_COUNT) - 1);
}

export function createBuckets(): Uint32Array {
  return new Uint32Array(BUCKET_COUNT);
}

/**
 * The value (µs) below which `quantile` of the counted samples lie, reported at
 * the middle of the bucket that holds it; null when there are no samples.
 */
export function quantileOf(buckets: Uint32Array, total: number, quantile: number): number | null {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(quantile * total));
  let seen = 0;
  for (const [index, count] of buckets.entries()) {
    seen += count;
    if (seen >= rank) return bucketLowerBound(index) + (bucketWidth(index) - 1) / 2;
  }
  return bucketLowerBound(buckets.length - 1);
}
