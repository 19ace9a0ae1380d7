import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, herve, makeHome, repoRoot } from './harness.js';

const COMMANDS = ['up', 'down', 'status|ls', 'register', 'types', 'unregister', 'start', 'stop', 'restart', 'logs', 'tui', 'demo'];

describe('herve without a daemon', () => {
  const home = makeHome();
  beforeAll(() => ensureBuilt());
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('--help lists every command with a one-line description', async () => {
    const result = await herve(home, ['--help']);
    expect(result.exitCode).toBe(0);
    for (const command of COMMANDS) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command.replace('|', '\\|')}\\b.*\\S+\\s{2,}\\w.+$`, 'm'));
    }
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const result = await herve(home, ['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('a command that needs the daemon says how to start it, with a non-zero exit', async () => {
    for (const args of [['ls'], ['logs'], ['stop', 'echo'], ['register', 'echo']]) {
      const result = await herve(home, args);
      expect(result.stderr).toContain('herve daemon is not running — start it with: herve up');
      expect(result.exitCode).toBe(3);
    }
  });

  it('down with nothing running says so and succeeds', async () => {
    const result = await herve(home, ['down']);
    expect(result.stdout).toContain('herve is not running');
    expect(result.exitCode).toBe(0);
  });

  it('bad arguments are usage errors (exit 2), checked before touching the daemon', async () => {
    const badName = await herve(home, ['register', 'echo', '--name', 'Bad_Name']);
    expect(badName.stderr).toContain('--name "Bad_Name" must be');
    expect(badName.exitCode).toBe(2);
    const badRegex = await herve(home, ['logs', '--grep', '(']);
    expect(badRegex.stderr).toContain('--grep');
    expect(badRegex.exitCode).toBe(2);
    const unknown = await herve(home, ['lss']);
    expect(unknown.stderr).toContain("unknown command 'lss'");
    expect(unknown.exitCode).toBe(2);
  });

  it('a HERVE_HOME too long for a Unix socket path is refused with what to do', async () => {
    const result = await herve(join(home, 'x'.repeat(120)), ['up', '--port', '0']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('set HERVE_HOME to a shorter directory');
  });

  it('HERVE_HOME that is not a directory is a clear user error', async () => {
    const file = join(home, 'not-a-dir');
    writeFileSync(file, '');
    const result = await herve(file, ['up', '--port', '0']);
    expect(result.stderr).toContain('is not a directory');
    expect(result.exitCode).toBe(1);
  });

  it('a daemon that breaks the protocol is an internal error (exit 70), with the stack only under HERVE_DEBUG=1', async () => {
    const brokenHome = makeHome();
    // Answers every request with a result no method has: a bug, not something the user can fix.
    const server = createServer((socket) => {
      socket.on('data', () => socket.write('{"id":1,"ok":true,"result":{"nonsense":true}}\n'));
    });
    await new Promise<void>((listening) => server.listen(join(brokenHome, 'herve.sock'), listening));
    try {
      const plain = await herve(brokenHome, ['ls']);
      const debug = await herve(brokenHome, ['ls'], { HERVE_DEBUG: '1' });
      expect(plain.exitCode).toBe(70);
      expect(plain.stderr).toContain('internal error');
      expect(plain.stderr).toContain('HERVE_DEBUG=1');
      expect(plain.stderr).not.toMatch(/\n\s+at /);
      expect(debug.exitCode).toBe(70);
      expect(debug.stderr).toMatch(/\n\s+at /);
    } finally {
      await new Promise((closed) => server.close(closed));
      rmSync(brokenHome, { recursive: true, force: true });
    }
  });

  it('a daemon that accepts but never answers is reported after a few seconds, not waited on forever', async () => {
    const stuckHome = makeHome();
    // Reads (so it notices the client leave) but never answers.
    const server = createServer((socket) => socket.resume());
    await new Promise<void>((listening) => server.listen(join(stuckHome, 'herve.sock'), listening));
    try {
      // Waiting forever would end in the harness's 60 s kill, not in exit code 5 and this message.
      const result = await herve(stuckHome, ['up', '--port', '0']);
      expect(result.exitCode).toBe(5);
      expect(result.stderr).toContain('did not answer within 5 s');
    } finally {
      await new Promise((closed) => server.close(closed));
      rmSync(stuckHome, { recursive: true, force: true });
    }
  });
});
