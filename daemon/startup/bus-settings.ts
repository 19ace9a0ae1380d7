import { BUS_DEFAULT_BEAT_MS, BUS_DEFAULT_MISSED_BEATS, busUrlProblem } from '../../protocol/index.js';
import { HerveError } from '../shared/errors.js';
import { wholeNumberFromEnv } from './env-number.js';

/** The Redis bus members join over: HERVE_BUS (what `herve up --bus` sets), beat timing from the env. */
export interface BusSettings {
  url: string;
  /** HERVE_BUS_BEAT_MS: a heartbeat every this many ms. */
  beatMs: number;
  /** HERVE_BUS_MISSED_BEATS: a member silent for this many beats leaves routing. */
  missedBeats: number;
}

/** null when no bus is configured; a HerveError (the URL never echoed) when it is malformed. */
export function parseBusSettings(env: NodeJS.ProcessEnv): BusSettings | null {
  const url = env.HERVE_BUS;
  if (url === undefined || url === '') return null;
  const problem = busUrlProblem(url);
  if (problem) throw new HerveError('bad_request', `HERVE_BUS ${problem}`, 'for example: herve up --bus redis://127.0.0.1:6379');
  return {
    url,
    beatMs: wholeNumberFromEnv(env, 'HERVE_BUS_BEAT_MS', BUS_DEFAULT_BEAT_MS, 50),
    missedBeats: wholeNumberFromEnv(env, 'HERVE_BUS_MISSED_BEATS', BUS_DEFAULT_MISSED_BEATS, 1),
  };
}
