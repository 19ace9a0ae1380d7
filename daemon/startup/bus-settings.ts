import { BUS_DEFAULT_BEAT_MS, BUS_DEFAULT_MISSED_BEATS, busUrlProblem } from '../../protocol/index.js';
import { HerveError } from '../errors.js';

/** The Redis bus members join over: HERVE_BUS (what `herve up --bus` sets), beat timing from the env. */
export interface BusSettings {
  url: string;
  /** HERVE_BUS_BEAT_MS: a heartbeat every this many ms. */
  beatMs: number;
  /** HERVE_BUS_MISSED_BEATS: a member silent for this many beats leaves routing. */
  missedBeats: number;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < minimum || Number(raw) > 3_600_000) {
    throw new HerveError(
      'bad_request',
      `${name} must be a whole number from ${minimum} (got "${raw}")`,
      `for example: ${name}=${fallback} herve up --bus …`,
    );
  }
  return Number(raw);
}

/** null when no bus is configured; a HerveError (the URL never echoed) when it is malformed. */
export function parseBusSettings(env: NodeJS.ProcessEnv): BusSettings | null {
  const url = env.HERVE_BUS;
  if (url === undefined || url === '') return null;
  const problem = busUrlProblem(url);
  if (problem)
    throw new HerveError('bad_request', `HERVE_BUS ${problem}`, 'for example: herve up --bus redis://127.0.0.1:6379');
  return {
    url,
    beatMs: wholeNumber(env, 'HERVE_BUS_BEAT_MS', BUS_DEFAULT_BEAT_MS, 50),
    missedBeats: wholeNumber(env, 'HERVE_BUS_MISSED_BEATS', BUS_DEFAULT_MISSED_BEATS, 1),
  };
}
