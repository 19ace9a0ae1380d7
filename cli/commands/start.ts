import { runLifecycle } from '../lifecycle/lifecycle.js';
import type { OptionsOf } from '../program.js';

export function run(ref: string, options: OptionsOf<'start'>): Promise<number> {
  return runLifecycle('start', ref, options);
}
