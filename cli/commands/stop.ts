import { runLifecycle } from '../lifecycle/lifecycle.js';
import type { OptionsOf } from '../program.js';

export function run(ref: string, options: OptionsOf<'stop'>): Promise<number> {
  return runLifecycle('stop', ref, options);
}
