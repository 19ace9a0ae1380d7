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
  }
  const { launchTui } = await import('./launch.js');
  await launchTui(options);
}
