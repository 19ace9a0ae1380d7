import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, herve, knownPids, makeHome, stopAndProve } from './harness.js';

describe('herve demo (npm start) off a terminal', () => {
  const home = makeHome();
  const seen: number[] = [];
  beforeAll(() => ensureBuilt());
  afterAll(async () => {
    seen.push(...(await knownPids(home)));
    await stopAndProve(home, seen);
  });

  it('starts the daemon and echo, static and sse, then prints the table and URLs that answer', async () => {
    const demo = await herve(home, ['demo', '--port', '0']);
    expect(demo.exitCode, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('herve daemon started');
    for (const name of ['echo', 'static', 'sse']) expect(demo.stdout).toMatch(new RegExp(`^${name}\\s+${name}\\s+● running`, 'm'));
    const echoUrl = /curl (http:\/\/\S+\/hello)$/m.exec(demo.stdout)?.[1];
    expect(echoUrl, demo.stdout).toBeDefined();
    const response = await fetch(echoUrl!);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('/hello');
    seen.push(...(await knownPids(home)));
  });

  it('run again, it leaves existing services alone', async () => {
    const first = await herve(home, ['demo', '--port', '0']);
    expect(first.exitCode, first.stderr).toBe(0);
    seen.push(...(await knownPids(home)));
    const stop = await herve(home, ['stop', 'echo']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    const again = await herve(home, ['demo', '--port', '0']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('herve daemon started');
    expect(again.stdout).toMatch(/^echo\s+echo\s+○ stopped/m);
    expect(again.stdout.match(/^(echo|static|sse)\s/gm)).toHaveLength(3);
  });
});
