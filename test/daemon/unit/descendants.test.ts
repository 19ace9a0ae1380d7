import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { findMarkedProcesses, INSTANCE_MARK_VARIABLE, newInstanceMark, readInstanceMark } from '../../../daemon/supervisor/descendants.js';
import { assertProcessGone, waitFor } from '../../helpers/daemon.js';

const started: ChildProcess[] = [];

afterEach(async () => {
  for (const child of started.splice(0)) {
    child.kill('SIGKILL');
    await assertProcessGone(child.pid!);
  }
});

/** A real process with exactly this environment (its mark first, last or not a mark at all). */
function sleeper(env: Record<string, string>): number {
  const child = spawn('sleep', ['60'], { env, stdio: 'ignore' });
  started.push(child);
  return child.pid!;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('finding the processes that carry an instance mark', () => {
  it('tells each mark its own processes, wherever the mark sits in the environment', async () => {
    const [first, last, lookalike] = [newInstanceMark(), newInstanceMark(), newInstanceMark()];
    const atStart = sleeper({ [INSTANCE_MARK_VARIABLE]: first, PATH: process.env.PATH ?? '' });
    const atEnd = sleeper({ PATH: process.env.PATH ?? '', [INSTANCE_MARK_VARIABLE]: last });
    sleeper({ PATH: process.env.PATH ?? '', [`NOT_${INSTANCE_MARK_VARIABLE}`]: lookalike });
    await waitFor(() => readInstanceMark(atStart) === first && readInstanceMark(atEnd) === last, {
      message: 'the sleepers to exec',
    });
    await nextTurn();

    // Asked in one turn (as a shutdown stopping every instance does): each gets only its own.
    expect(findMarkedProcesses(first).map((each) => each.pid)).toEqual([atStart]);
    expect(findMarkedProcesses(last).map((each) => each.pid)).toEqual([atEnd]);
    expect(findMarkedProcesses(lookalike)).toEqual([]);
  });

  it('sees a process marked after an earlier turn looked', async () => {
    const mark = newInstanceMark();
    expect(findMarkedProcesses(mark)).toEqual([]);
    const pid = sleeper({ PATH: process.env.PATH ?? '', [INSTANCE_MARK_VARIABLE]: mark });
    const found = await waitFor(
      async () => {
        await nextTurn();
        return findMarkedProcesses(mark).find((each) => each.pid === pid);
      },
      { message: 'the new process to be found' },
    );
    expect(found.pid).toBe(pid);
  });
});
