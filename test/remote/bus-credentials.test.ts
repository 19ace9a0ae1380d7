import { execa } from 'execa';
import { readFileSync, rmSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertProcessGone, ensureBuilt, herve, isAlive, makeHome, stopAndProve, waitFor } from '../cli/harness.js';
import { startRedis, stopAllRedis } from '../helpers/redis-server.js';

const SECRET = 'bus-secret-never-shown';
const member = joinPath(import.meta.dirname, 'fixtures', 'member.mjs');
const memberPids: number[] = [];
let home = '';

beforeAll(() => ensureBuilt());
afterEach(async () => {
  const members = memberPids.splice(0);
  for (const pid of members) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  if (home) await stopAndProve(home, members);
  else for (const pid of members) await assertProcessGone(pid);
  home = '';
  await stopAllRedis();
});

describe('the bus password', () => {
  it('is masked wherever the URL is shown and reaches neither the daemon arguments nor a service', async () => {
    const redis = await startRedis({ password: SECRET });
    const masked = `redis://:***@127.0.0.1:${redis.port}`;
    home = makeHome();
    const up = await herve(home, ['up', '--port', '0', '--bus', redis.url], { HERVE_BUS_BEAT_MS: '250' });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toMatch(new RegExp(`bus\\s+${masked.replace(/[*.]/g, '\\$&')}`));
    const daemonPid = Number(/pid\s+(\d+)/.exec(up.stdout)?.[1]);
    const port = Number(/http:\/\/localhost:(\d+)\//.exec(up.stdout)?.[1]);
    expect(readFileSync(`/proc/${daemonPid}/cmdline`, 'utf8')).not.toContain(SECRET);

    // A member authenticates with the same URL and gets traffic.
    const joined = execa(process.execPath, [member], {
      env: { MEMBER_NAME: 'api', MEMBER_ID: 'one', MEMBER_BUS: redis.url },
      reject: false,
    });
    memberPids.push(joined.pid!);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/api/`).then((response) => response.text())) === 'member one', {
      timeoutMs: 20_000,
      message: 'member reached',
    });

    const printEnv = "console.log('ENV ' + JSON.stringify(process.env)); setInterval(() => {}, 1000)";
    const register = await herve(home, ['register', 'command', '--name', 'printenv', '--health', 'none', '--', process.execPath, '-e', printEnv]);
    expect(register.exitCode, register.stderr).toBe(0);
    const logs = await waitFor(async () => {
      const out = await herve(home, ['logs', 'printenv', '--grep', '^ENV ']);
      return out.stdout.includes('ENV {') && out.stdout;
    });
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain('HERVE_BUS');

    const daemonLog = readFileSync(joinPath(home, 'daemon.log'), 'utf8');
    expect(daemonLog).toContain(`bus: connected to ${masked}`);
    expect(daemonLog).not.toContain(SECRET);
    const ls = await herve(home, ['ls', '--json']);
    expect(ls.stdout).not.toContain(SECRET);
  }, 60_000);

  it('a member with the wrong password fails to join, its error masked', async () => {
    const redis = await startRedis({ password: SECRET });
    const wrong = `redis://:wrong-${SECRET}@127.0.0.1:${redis.port}`;
    const refused = await execa(process.execPath, [member], {
      env: { MEMBER_NAME: 'api', MEMBER_ID: 'one', MEMBER_BUS: wrong },
      reject: false,
      timeout: 30_000,
    });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain(`cannot join over the bus redis://:***@127.0.0.1:${redis.port}: WRONGPASS`);
    expect(refused.stderr).not.toContain(SECRET);
  }, 40_000);
});

describe('a bad bus URL', () => {
  it('herve up --help and the README name --bus', async () => {
    const helpHome = makeHome();
    const help = await herve(helpHome, ['up', '--help']);
    rmSync(helpHome, { recursive: true, force: true });
    expect(help.stdout).toContain('--bus <url>');
    const cliBlock = readFileSync(joinPath(import.meta.dirname, '../../README.md'), 'utf8')
      .split('## The CLI')[1]!
      .split('```')[1];
    expect(cliBlock).toContain('[--bus redis://');
  });

  it('herve up --bus refuses it before starting anything', async () => {
    const badHome = makeHome();
    try {
      const up = await herve(badHome, ['up', '--port', '0', '--bus', 'http://127.0.0.1:6379']);
      expect(up.exitCode).toBe(2);
      expect(up.stderr).toContain('--bus must be redis:// or rediss:// (got http://)');
      expect((await herve(badHome, ['ls'])).exitCode).toBe(3);
    } finally {
      rmSync(badHome, { recursive: true, force: true });
    }
  });

  it('HERVE_BUS that is malformed stops the daemon with the reason, never echoing the URL', async () => {
    home = makeHome();
    const up = await herve(home, ['up', '--port', '0'], { HERVE_BUS: `redis://:${SECRET}@127.0.0.1:6379/not-a-db` });
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain('HERVE_BUS path must be a database number like /0 (got /not-a-db)');
    expect(up.stderr).not.toContain(SECRET);
    expect((await herve(home, ['ls'])).exitCode).toBe(3);
    const fast = await herve(home, ['up', '--port', '0', '--bus', 'redis://127.0.0.1:6379'], {
      HERVE_BUS_BEAT_MS: '10',
    });
    expect(fast.exitCode).toBe(1);
    expect(fast.stderr).toContain('HERVE_BUS_BEAT_MS must be a whole number from 50 (got "10")');
    rmSync(home, { recursive: true, force: true });
    home = '';
  });
});
