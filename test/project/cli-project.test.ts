import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../protocol/index.js';
import { loadProjectFile } from '../../cli/project/project-load.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { ensureBuilt, fixture as cliFixture, herve, herveLive, knownPids, makeHome, stopAndProve, waitFor } from '../cli/harness.js';
import { itemAt } from '../helpers/item-at.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const dir = mkdtempSync('/tmp/hv-cliproj-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => ensureBuilt());

describe('herve import', () => {
  it.each(['Procfile', 'process-compose.yaml', 'ecosystem.config.js'])('turns %s into a herve.yaml that loads, listing what it left out', async (name) => {
    const result = await herve(dir, ['import', join(fixtures, name)]);
    expect(result.exitCode, result.stderr).toBe(0);
    const out = join(dir, `${name}.herve.yaml`);
    writeFileSync(out, result.stdout);
    const loaded = loadProjectFile(out);
    const names = loaded.services.map((entry) => entry.spec.name);
    if (name === 'Procfile') {
      expect(names).toEqual(['web', 'worker']);
      expect(itemAt(loaded.services, 1).spec).toMatchObject({ command: 'sh', args: ['-c', 'node worker.js | tee worker.log'], route: false });
      expect(itemAt(loaded.services, 0).spec).toMatchObject({ command: 'node', args: ['server.js', '--port', '$PORT'] });
    } else if (name === 'process-compose.yaml') {
      expect(names).toEqual(['db', 'api']);
      expect(loaded.services[1]).toMatchObject({ dependsOn: { db: 'healthy' }, spec: { env: { MODE: 'dev' }, health: { path: '/health' } } });
      expect(result.stdout).toContain('api.namespace: not carried over');
      expect(result.stdout).toContain('top-level log_location: not carried over');
    } else {
      expect(names).toEqual(['api', 'worker-1']);
      expect(itemAt(loaded.services, 0).spec).toMatchObject({
        command: 'node',
        args: ['server.js', '--verbose'],
        replicas: 2,
        env: { NODE_ENV: 'production' },
      });
      expect(itemAt(loaded.services, 1).spec).toMatchObject({ command: 'python3', restart: { policy: 'never' }, watch: { paths: ['src'] } });
      expect(result.stdout).toContain('api.max_memory_restart: not carried over');
      expect(result.stderr).toContain('not carried over');
    }
  });
});

describe('herve up -f / diff / reload / init (real daemon)', () => {
  const home = makeHome();
  const seen: number[] = [];
  afterAll(async () => {
    seen.push(...(await knownPids(home)));
    await stopAndProve(home, seen);
  });
  const file = join(dir, 'herve.yaml');
  const http = cliFixture('../../fixtures/http-ok.mjs');

  it('applies the file, shows a diff, reloads, and refuses a bad file with nothing changed', async () => {
    writeFileSync(file, `services:\n  api:\n    command: [node, ${http}]\n    env: { TOKEN: secret-one }\n`);
    const up = await herve(home, ['up', '--port', '0', '-f', file]);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^\+ api\s+added$/m);
    const before = await knownPids(home);
    seen.push(...before);

    writeFileSync(file, `services:\n  api:\n    command: [node, ${http}]\n    env: { TOKEN: secret-two }\n  echo:\n    type: echo\n`);
    const diff = await herve(home, ['reload', '--dry-run', '-f', file]);
    expect(diff.exitCode, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('env.TOKEN: ••• → •••');
    expect(diff.stdout).not.toContain('secret');
    expect(diff.stdout).toMatch(/^\+ echo\s+to be added$/m);

    writeFileSync(file, `services:\n  api:\n    command: [node, ${http}]\n    replicas: 99\n`);
    const bad = await herve(home, ['reload', '-f', file]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('herve.yaml:4 services.api.replicas: expected a whole number from 1 to 64');
    writeFileSync(file, 'services: [not, a, map');
    expect((await herve(home, ['diff', '-f', file])).stderr).toContain('not valid YAML');
    writeFileSync(file, `services:\n  api:\n    command: [node, ${http}]\n    replica: 2\n`);
    expect((await herve(home, ['reload', '-f', file])).stderr).toMatch(/herve\.yaml:4 services\.api.*replica/);
    writeFileSync(file, `services:\n  api:\n    command: [node, ${http}]\n    replicas: two\n`);
    expect((await herve(home, ['reload', '-f', file])).stderr).toContain('herve.yaml:4 services.api.replicas');
    writeFileSync(file, `services:\n  api:\n    command: [node, ${http}]\n# ${'x'.repeat(10 * 1024 * 1024)}\n`);
    const huge = await herve(home, ['reload', '-f', file]);
    expect(huge.exitCode).toBe(1);
    expect(huge.stderr).toMatch(/larger than|too large/);
    // Rules that need more than one field, or the daemon's list of types, still name the line.
    writeFileSync(file, `services:\n  api:\n    command: [node, ${http}]\n    replicas: 2\n    port: 8089\n`);
    expect((await herve(home, ['reload', '-f', file])).stderr).toContain('herve.yaml:5 services.api.port: a fixed port (8089) allows only 1 replica, not 2');
    writeFileSync(file, `services:\n  api:\n    command: [node, ${http}]\n  odd:\n    type: nosuch\n`);
    const unknownType = await herve(home, ['reload', '-f', file]);
    expect(unknownType.exitCode).toBe(1);
    expect(unknownType.stderr).toMatch(/herve\.yaml:5 services\.odd\.type: unknown type "nosuch"; one of: .*echo/);
    expect(await knownPids(home)).toEqual(before);
    writeFileSync(file, 'services: [not, a, map');

    const ls = JSON.parse((await herve(home, ['ls', '--json'])).stdout) as { services: { name: string; source: string | null }[] };
    expect(ls.services).toEqual([expect.objectContaining({ name: 'api', source: file })]);
    // The table says which services the file brought and which were registered by hand.
    expect((await herve(home, ['register', 'echo', '--name', 'hand'])).exitCode).toBe(0);
    seen.push(...(await knownPids(home)));
    const table = (await herve(home, ['ls'])).stdout;
    expect(table).toMatch(new RegExp(`^from ${file}: api$`, 'm'));
    expect(table).toMatch(/^registered by hand: hand$/m);
    expect((await herve(home, ['unregister', 'hand'])).exitCode).toBe(0);

    // A joined service is not run by Herve: init leaves it out, and says so.
    const member = await RawSocket.connect(join(home, 'herve.sock'));
    member.send(`${JSON.stringify({ id: 1, method: 'hello', params: { version: PROTOCOL_VERSION } })}\n`);
    member.send(`${JSON.stringify({ id: 2, method: 'announce', params: { name: 'joined', url: 'http://127.0.0.1:9', ttl: 60 } })}\n`);
    await member.nextMessage();
    expect(await member.nextMessage()).toMatchObject({ id: 2, ok: true });
    const init = await herve(home, ['init', '--stdout']);
    expect(parse(init.stdout)).toEqual({ services: { api: expect.objectContaining({ command: ['node', http], env: { TOKEN: 'secret-one' } }) } });
    expect(init.stderr).toContain('left out joined: joined by heartbeat');
    member.send(`${JSON.stringify({ id: 3, method: 'leave', params: { name: 'joined' } })}\n`);
    expect(await member.nextMessage()).toMatchObject({ id: 3, ok: true });
    member.close();
    expect(readFileSync(file, 'utf8')).toBe('services: [not, a, map');
  });

  it('up --watch applies the file again when it is saved, and reports a bad edit without changing anything', async () => {
    writeFileSync(file, `services:\n  api:\n    command: [node, ${http}]\n    env: { TOKEN: secret-one }\n`);
    const watcher = herveLive(home, ['up', '-f', file, '--watch']);
    let output = '';
    watcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    watcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(() => output.includes('watching'), { timeoutMs: 30_000, message: 'the watch to start' });
      writeFileSync(file, `services:\n  api:\n    command: [node, ${http}]\n    env: { TOKEN: secret-one }\n  echo:\n    type: echo\n`);
      await waitFor(() => /reloaded .*1 added/.test(output), { timeoutMs: 30_000, message: `a reload adding echo; output so far:\n${output}` });
      writeFileSync(file, 'services:\n  echo:\n    type: echo\n    replicas: 0\n');
      await waitFor(() => output.includes('not reloaded: herve.yaml:4 services.echo.replicas'), { timeoutMs: 30_000, message: 'the bad edit reported' });
      seen.push(...(await knownPids(home)));
      const ls = JSON.parse((await herve(home, ['ls', '--json'])).stdout) as { services: { name: string }[] };
      expect(ls.services.map((service) => service.name).sort()).toEqual(['api', 'echo']);
    } finally {
      watcher.kill('SIGINT');
      await watcher;
    }
    expect(watcher.exitCode).toBe(0);
  });
});
