import { z } from 'zod';

/** Most front-door processes `--workers` may ask for: well above any core count it is meant for. */
export const MAX_FRONT_DOOR_WORKERS = 64;

/**
 * How many processes serve the front door (`herve up --workers N`, `workers:` in herve.yaml): the
 * daemon and N - 1 workers sharing its listening sockets. 1, the default, is the daemon alone.
 */
export const FrontDoorWorkers = z
  .number({ error: 'expected a whole number' })
  .int({ error: 'expected a whole number' })
  .min(1, { error: 'at least 1 (the daemon alone)' })
  .max(MAX_FRONT_DOOR_WORKERS, { error: `at most ${MAX_FRONT_DOOR_WORKERS}` })
  .describe('processes serving the front door: the daemon and N - 1 workers sharing its port (as herve up --workers N)');

/** `--workers N` as typed: the number it names, checked by FrontDoorWorkers. */
export function parseFrontDoorWorkers(raw: string) {
  return FrontDoorWorkers.safeParse(raw.trim() === '' ? Number.NaN : Number(raw));
}
