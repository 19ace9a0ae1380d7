import { createRequire } from 'node:module';
import type { FastInvocation } from './fast-path.js';

/** The fast path's bundle, next to the entry, main.cjs (scripts/bundle-cli.mjs). */
export const FAST_BUNDLE = './fast.cjs';

export function runFastPath(invocation: FastInvocation): Promise<never> {
  const fast = createRequire(import.meta.url)(FAST_BUNDLE) as typeof import('./fast-main.js');
  return fast.runFast(invocation);
}
