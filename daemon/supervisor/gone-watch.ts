import { isSameProcess } from './descendants.js';
import type { ProcessIdentity } from './types.js';

const TICK_MS = 100;
/**
 * At most this many processes are checked per tick (each check reads /proc twice): up to this many,
 * each is checked every tick; past it, in turn, so a daemon that adopted hundreds of instances
 * does not spend its idle time polling /proc (each is then checked less often, not less surely).
 */
const CHECKS_PER_TICK = 50;

interface Watch {
  identity: ProcessIdentity;
  gone: () => void;
}

const watches: Watch[] = [];
let next = 0;
let timer: NodeJS.Timeout | undefined;

/** Resolves once a process that is not our child is gone (polled: there is no exit event for it). */
export function whenGone(identity: ProcessIdentity): Promise<null> {
  return new Promise((resolve) => {
    watches.push({ identity, gone: () => resolve(null) });
    timer ??= setInterval(checkSome, TICK_MS);
  });
}

function checkSome(): void {
  for (let checked = 0; checked < CHECKS_PER_TICK && watches.length > 0; checked++) {
    if (next >= watches.length) next = 0;
    const watch = watches[next]!;
    if (isSameProcess(watch.identity)) {
      next += 1;
      continue;
    }
    watches.splice(next, 1);
    watch.gone();
  }
  if (watches.length === 0) {
    clearInterval(timer);
    timer = undefined;
  }
}
