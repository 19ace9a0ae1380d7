import { runLifecycle, type LifecycleOptions } from '../support/lifecycle.js';

export function run(ref: string, options: LifecycleOptions): Promise<number> {
  return runLifecycle('start', ref, options);
}
