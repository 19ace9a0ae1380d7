import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../../cli/support/processes.js';
import { assertProcessGone, waitFor } from '../../helpers/daemon.js';

describe('processAlive', () => {
  it('is true for a running process and false for one that exited, even while it is an unreaped zombie', async () => {
    // The shell starts a short child, prints its pid, then becomes `sleep`, which never reaps it.
    const parent = execa('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 30'], { reject: false });
    let childPid = 0;
    try {
      childPid = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
      expect(processAlive(parent.pid!)).toBe(true);
      await waitFor(() => !processAlive(childPid), { message: 'the short child to exit' });
      // Still there for kill(0), as a zombie: the case `herve down` must not wait on.
      expect(() => process.kill(childPid, 0)).not.toThrow();
    } finally {
      parent.kill('SIGKILL');
      await parent;
    }
    await assertProcessGone(parent.pid!);
    // Orphaned, the zombie goes to init, which reaps it.
    await assertProcessGone(childPid, 10_000);
  });

  it('is false for a pid nobody has', () => {
    expect(processAlive(2 ** 22 + 12345)).toBe(false);
  });
});
