import { runLifecycle, type LifecycleOptions } from '../lifecycle/lifecycle.js';

export function run(ref: string, options: LifecycleOptions): Promise<number> {
  return runLifecycle('stop', ref, options);
}
