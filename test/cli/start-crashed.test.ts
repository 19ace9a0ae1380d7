import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { daemonForFile, herve, makeHome, repoRoot, waitFor } from './harness.js';

const FAILING = join(repoRoot, 'test', 'fixtures', 'fail-at-start.mjs');

/** Issue 9, defect 7: a start that crashes is reported as a crash, at once, with the service's last lines. */
describe('herve start on a service that crashes', () => {
  const home = makeHome();
  const seen = new Set<number>();
  const status = async (): Promise<string | undefined> => {
    const ls = await herve(home, ['ls', '--json']);
    const listed = JSON.parse(ls.stdout) as { services: { name: string; status: string; instances: { pid: number | null }[] }[] };
    const service = listed.services.find((entry) => entry.name === 'broken');
    for (const instance of service?.instances ?? []) if (instance.pid) seen.add(instance.pid);
    return service?.status;
  };

  daemonForFile(home, seen);

  it('register says it crashed while starting, with its last log lines, and exits 1', async () => {
    const register = await herve(home, ['register', 'command', '--name', 'broken', '--', process.execPath, FAILING]);
    expect(register.exitCode, register.stderr).toBe(1);
    expect(register.stderr).toContain('broken crashed while starting (last exit: code 1)');
    expect(register.stderr).toContain('cannot read config /nonexistent/app.toml');
    expect(register.stderr).not.toContain('still starting');
  });

  it('start on the crashed service reports the crash again, not "still starting"', async () => {
    await waitFor(async () => (await status()) === 'crashed', { timeoutMs: 30_000, message: 'broken to reach its crash-loop limit' });
    const start = await herve(home, ['start', 'broken']);
    expect(start.exitCode, start.stderr).toBe(1);
    expect(start.stderr).not.toContain('still starting');
    expect(start.stderr).toContain('broken crashed while starting (last exit: code 1)');
    expect(start.stderr).toContain('--- last lines of its log ---');
    expect(start.stderr).toContain('cannot read config /nonexistent/app.toml');
    expect(start.stderr).toContain('hint: see its logs: herve logs broken');
  });

  it('start --json gives the same outcome and exit code', async () => {
    await waitFor(async () => (await status()) === 'crashed', { timeoutMs: 30_000, message: 'broken to reach its crash-loop limit' });
    const start = await herve(home, ['start', 'broken', '--json']);
    expect(start.exitCode, start.stderr).toBe(1);
    expect(JSON.parse(start.stdout)).toMatchObject({ name: 'broken', outcome: 'crashed' });
  });
});
