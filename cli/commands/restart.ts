import { runLifecycle, type LifecycleOptions } from '../lifecycle/lifecycle.js';
import { runRollingRestart } from '../lifecycle/rolling-restart.js';

export function run(ref: string, options: LifecycleOptions & { rolling?: boolean }): Promise<number> {
  if (options.rolling) return runRollingRestart(ref, options);
  return runLifecycle('restart', ref, options);
}
