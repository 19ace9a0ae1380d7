import { runLifecycle } from '../lifecycle/lifecycle.js';
import { runRollingRestart } from '../lifecycle/rolling-restart.js';
import type { OptionsOf } from '../program.js';

export function run(ref: string, options: OptionsOf<'restart'>): Promise<number> {
  if (options.rolling) return runRollingRestart(ref, options);
  return runLifecycle('restart', ref, options);
}
