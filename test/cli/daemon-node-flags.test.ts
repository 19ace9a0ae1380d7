import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DAEMON_NODE_FLAGS } from '../../cli/daemon/daemon-launch.js';
import { ensureBuilt, herve, makeHome, stopAndProve, waitFor } from './harness.js';

// A burst of short-lived objects, then the young generation's size, in a fresh node.
const PROBE = `
import { getHeapSpaceStatistics } from 'node:v8';
const keep = [];
for (let i = 0; i < 200000; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 50000) keep.length = 0; }
console.log(getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size);
`;

function youngGenerationAfterBurst(flags: readonly string[]): number {
  const args = [...flags, '--input-type=module', '-e', PROBE];
  return Number(execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 10_000 }).trim());
}

const commandLine = (pid: number): string[] => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

describe('the node flags herve up gives the daemon', () => {
  let home = '';
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    if (home) await stopAndProve(home);
    home = '';
  });

  it('keep the young generation from growing after a burst of allocation', () => {
    const MB = 1024 * 1024;
    // Without them V8 grows the semi-spaces toward 16 MB and keeps them; the daemon's idle RSS showed it.
    expect(youngGenerationAfterBurst([])).toBeGreaterThan(4 * MB);
    expect(youngGenerationAfterBurst(DAEMON_NODE_FLAGS)).toBeLessThanOrEqual(2 * MB);
  });

  it('reach the daemon, and not the services it starts', async () => {
    home = makeHome();
    const up = await herve(home, ['up', '--port', '0']);
    expect(up.exitCode, up.stderr).toBe(0);
    const daemonPid = Number(readFileSync(join(home, 'herve.pid'), 'utf8'));
    expect(commandLine(daemonPid)).toEqual(expect.arrayContaining([...DAEMON_NODE_FLAGS]));

    expect((await herve(home, ['register', 'echo', '--name', 'e'])).exitCode).toBe(0);
    const servicePid = await waitFor(async () => {
      const ls = await herve(home, ['ls', '--json']);
      const [service] = (JSON.parse(ls.stdout) as { services: { instances: { pid: number | null }[] }[] }).services;
      return service?.instances[0]?.pid ?? null;
    });
    const serviceLine = commandLine(servicePid);
    expect(serviceLine.join(' ')).toContain('echo');
    for (const flag of DAEMON_NODE_FLAGS) expect(serviceLine).not.toContain(flag);
  });
});
