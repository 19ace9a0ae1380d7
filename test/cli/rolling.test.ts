import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../helpers/required-tool.js';
import { ensureBuilt, herve, knownPids, makeHome, stopAndProve } from './harness.js';

interface Listed {
  services: { name: string; url: string | null; instances: { pid: number | null; port: number | null; ready: boolean }[] }[];
}

describe('herve register with $PORT, and herve restart --rolling', () => {
  const home = makeHome();
  const seen = new Set<number>();
  const service = async (name: string) => {
    const listed = JSON.parse((await herve(home, ['ls', '--json'])).stdout) as Listed;
    for (const entry of listed.services) for (const instance of entry.instances) if (instance.pid) seen.add(instance.pid);
    return listed.services.find((entry) => entry.name === name)!;
  };

  const registerPythonServer = (name: string) =>
    herve(home, [
      'register',
      'command',
      '--name',
      name,
      '--replicas',
      '2',
      '--health',
      '/',
      '--',
      'python3',
      '-m',
      'http.server',
      '--bind',
      '127.0.0.1',
      '$PORT',
    ]);

  beforeAll(async () => {
    requireTool('python3');
    ensureBuilt();
    const up = await herve(home, ['up', '--port', '0']);
    expect(up.exitCode, up.stderr).toBe(0);
  });
  afterAll(async () => {
    for (const pid of await knownPids(home)) seen.add(pid);
    await stopAndProve(home, [...seen]);
  });

  it("runs python3 -m http.server '$PORT': the CLI passes $PORT through, the daemon expands it per instance", async () => {
    const register = await registerPythonServer('py');
    expect(register.exitCode, register.stderr).toBe(0);
    const py = await service('py');
    expect(py.instances.every((instance) => instance.ready)).toBe(true);
    const answer = await fetch(py.url!);
    expect(answer.status).toBe(200);
    await answer.text();
  });

  it('restart --rolling replaces every instance and says so', async () => {
    const register = await registerPythonServer('roll');
    expect(register.exitCode, register.stderr).toBe(0);
    const before = (await service('roll')).instances.map((instance) => instance.pid);
    const rolled = await herve(home, ['restart', '--rolling', 'roll']);
    expect(rolled.exitCode, rolled.stderr).toBe(0);
    expect(rolled.stderr).toContain('rolling restart of roll');
    expect(rolled.stdout).toContain('roll rolled: 2/2 ready');
    const after = (await service('roll')).instances.map((instance) => instance.pid);
    expect(after.some((pid) => before.includes(pid))).toBe(false);
  });
});
