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
    keepHeapSmall();
  }
  const { launchTui } = await import('./launch.js');
  await launchTui(options);
}

/**
 * Every frame Ink builds its output anew (megabytes of short-lived strings and arrays), so V8
 * grows the young generation to its 2 x 16 MB maximum and never gives it back: ~25 MB of the
 * dashboard's RSS. Its maximum can only be set at start-up (--max-semi-space-size, which would
 * take a second process), but its growth can be stopped from here: it then stays at its initial
 * 1 MB semi-spaces. More of each frame is then promoted, so the old generation is also let grow
 * by 10% (not V8's default of up to 2x) before its next full collection: under a log flood that
 * keeps RSS under ~100 MB instead of peaks of ~150 MB. Both measured side by side with
 * bench/tui.mjs: idle CPU unchanged, flooded CPU within noise or a little higher.
 */
function keepHeapSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=10');
}
