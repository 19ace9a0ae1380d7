import { HerveError } from '../shared/errors.js';

const LARGEST = 2 ** 31 - 1;

/** A whole-number setting from the daemon's environment: `fallback` when unset, a HerveError naming it when bad. */
export function wholeNumberFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < minimum || Number(raw) > LARGEST) {
    throw new HerveError('bad_request', `${name} must be a whole number from ${minimum} (got "${raw}")`, `for example: ${name}=${fallback} herve up`);
  }
  return Number(raw);
}
