import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { readProcessStartTime } from '../../../platform/proc.js';
import { whenGone } from '../../../daemon/supervisor/gone-watch.js';
import { assertProcessGone, holdsFor, waitFor } from '../../helpers/daemon.js';

const started: ChildProcess[] = [];

afterEach(async () => {
  for (const child of started.splice(0)) {
    child.kill('SIGKILL');
    await assertProcessGone(child.pid!);
  }
});

/** More processes than one tick checks, so the watch has to take them in turn. */
const WATCHED = 60;

describe('watching processes that are not our children until they are gone', () => {
  it('tells each one that ends, and only those, however many are watched', async () => {
    const children = Array.from({ length: WATCHED }, () => {
      const child = spawn('sleep', ['60'], { stdio: 'ignore' });
      started.push(child);
      return child;
    });
    const identities = await Promise.all(
      children.map((child) =>
        waitFor(() => {
          const startTime = readProcessStartTime(child.pid!);
          return startTime === null ? null : { pid: child.pid!, startTime };
        }),
      ),
    );
    const gone = new Set<number>();
    const watches = identities.map((identity) => whenGone(identity).then(() => gone.add(identity.pid)));

    // Some from the first tick's share and some past it.
    const ended = [0, 7, 49, 50, 59].map((index) => children[index]!);
    for (const child of ended) child.kill('SIGKILL');
    await waitFor(() => ended.every((child) => gone.has(child.pid!)), {
      message: 'the ended processes to be seen gone',
    });
    await holdsFor(() => gone.size === ended.length, { forMs: 1500, message: 'a live process was reported gone' });

    for (const child of children) child.kill('SIGKILL');
    await Promise.all(watches);
    expect(gone.size).toBe(WATCHED);
  }, 30_000);
});
