/**
 * Fuzz runs are reproducible: a fixed seed in CI, more cases on demand.
 *   FUZZ_SEED=7 FUZZ_RUNS=5000 npx vitest run test/fuzz
 */
export function fuzzSettings(defaultRuns: number): { seed: number; numRuns: number } {
  const seed = Number(process.env.FUZZ_SEED ?? 20261202);
  const numRuns = Number(process.env.FUZZ_RUNS ?? defaultRuns);
  if (!Number.isInteger(seed) || !Number.isInteger(numRuns) || numRuns < 1) throw new Error('FUZZ_SEED and FUZZ_RUNS must be whole numbers');
  return { seed, numRuns };
}

/** Printed once a run's checks have passed (the daemon alive, answering, still serving), so a report can quote it. */
export function reportFuzz(what: string, tried: number, seed: number): void {
  process.stdout.write(`fuzz ${what}: ${tried} messages tried, seed ${seed}; the daemon stayed up and kept serving\n`);
}
