import { runLifecycle, type LifecycleOptions } from '../support/lifecycle.js';
import { runRollingRestart } from '../support/rolling-restart.js';

export function run(ref: string, options: LifecycleOptions & { rolling?: boolean }): Promise<number> {
  if (options.rolling) return runRollingRestart(ref, options);
  return runLifecycle('restart', ref, options);
}
