import { setFlagsFromString } from 'node:v8';
import type { TuiOptions } from './launch.js';

export type { TuiOptions };

/**
 * `herve tui`: the live dashboard; resolves when the user quits.
 * Ink and React load only here, after NODE_ENV is settled: React picks its development
 * or production build on first import, and the development one costs about three times
 * the CPU per frame.
 */
export async function runTui(options: TuiOptions): Promise<void> {
  process.env.NODE_ENV ??= 'production';
  // Ink draws only a final frame when it thinks it runs in CI (CI=true is common in dev shells
  // and containers); an interactive terminal is not CI, whatever the environment says.
  if (process.stdout.isTTY && process.stdin.isTTY) {
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
    keepYoungGenerationSmall();
  }
  const { launchTui } = await import('./launch.js');
  await launchTui(options);
}

/**
 * Every frame Ink builds its output anew (megabytes of short-lived strings and arrays), so V8
 * grows the young generation to its 2 x 16 MB maximum and never gives it back: ~25 MB of the
 * dashboard's RSS. Its maximum can only be set at start-up (--max-semi-space-size, which would
 * take a second process), but its growth can be stopped from here: it then stays at its initial
 * 1 MB semi-spaces. Scavenges are more frequent but as cheap (little survives a frame); measured
 * with bench/tui.mjs, CPU idle and flooded is unchanged within noise.
 */
function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}
