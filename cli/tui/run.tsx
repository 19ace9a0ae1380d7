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
 * Every frame Ink builds its output anew, so V8 would grow the young generation to its maximum
 * and keep it. Its growth is stopped from here (its maximum is a start-up flag, which would take
 * a second process); more of each frame is then promoted, so the old generation may grow only 10%
 * before its next full collection. The measurements: README, Performance (Dashboard).
 */
function keepHeapSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=10');
}
