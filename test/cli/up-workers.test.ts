import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, waitFor } from '../helpers/daemon.js';
import { ensureBuilt, herve, makeHome, stopAndProve } from './harness.js';

interface FrontDoorProcess {
  index: number;
  pid: number | null;
  serving: boolean;
}

async function frontDoorProcesses(port: number): Promise<FrontDoorProcess[]> {
  const answer = await fetch(`http://127.0.0.1:${port}/_herve/workers`);
  return ((await answer.json()) as { processes: FrontDoorProcess[] }).processes;
}

describe('herve up --workers N', () => {
  let home = '';
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    if (home) await stopAndProve(home);
    home = '';
  });

  it('starts the daemon with N - 1 front-door workers, and herve down leaves none behind', async () => {
    home = makeHome();
    const up = await herve(home, ['up', '--port', '0', '--workers', '3']);
    expect(up.exitCode, up.stderr).toBe(0);
    const port = Number(/http:\/\/localhost:(\d+)\//.exec(up.stdout)?.[1]);
    const processes = await waitFor(async () => {
      const listed = await frontDoorProcesses(port);
      return listed.every((each) => each.serving) ? listed : null;
    });
    expect(processes.map((each) => each.index)).toEqual([0, 1, 2]);
    expect((await herve(home, ['down'])).exitCode).toBe(0);
    for (const { pid } of processes) await waitFor(() => !isAlive(pid!), { message: `front-door process ${pid} gone` });
  });

  it('takes workers: from herve.yaml when the flag is not given', async () => {
    home = makeHome();
    const file = join(home, 'herve.yaml');
    writeFileSync(file, 'workers: 2\nservices: {}\n');
    const up = await herve(home, ['up', '--port', '0', '-f', file]);
    expect(up.exitCode, up.stderr).toBe(0);
    const port = Number(/http:\/\/localhost:(\d+)\//.exec(up.stdout)?.[1]);
    expect((await frontDoorProcesses(port)).map((each) => each.index)).toEqual([0, 1]);
  });

  it('refuses a count that is not a whole number from 1 before starting anything', async () => {
    const badHome = makeHome();
    try {
      for (const [value, why] of [
        ['0', 'at least 1'],
        ['two', 'expected a whole number'],
        ['1.5', 'expected a whole number'],
      ]) {
        const up = await herve(badHome, ['up', '--port', '0', '--workers', value!]);
        expect(up.exitCode, value).toBe(2);
        expect(up.stderr).toContain(`--workers: ${why}`);
      }
      expect(existsSync(join(badHome, 'herve.sock'))).toBe(false);
    } finally {
      rmSync(badHome, { recursive: true, force: true });
    }
  });
});
