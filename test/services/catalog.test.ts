import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_TYPES, findBuiltinType } from '../../services/catalog.js';
import { killAll, request, startProgram } from './service-process.js';

const cwd = mkdtempSync('/tmp/hv-cat-');
mkdirSync(join(cwd, 'public'));
writeFileSync(join(cwd, 'public', 'index.html'), 'from the client cwd');
writeFileSync(join(cwd, 'file.txt'), 'not a dir');

afterEach(killAll);
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('built-in catalog', () => {
  it('describes echo, static and sse with absolute compiled scripts that exist', () => {
    expect(BUILTIN_TYPES.map((type) => type.name)).toEqual(['echo', 'static', 'sse']);
    for (const type of BUILTIN_TYPES) {
      expect(type.description.length).toBeGreaterThan(10);
      expect(type.healthPath).toBe('/health');
      expect(type.script).toMatch(new RegExp(`/dist/services/${type.name}/main\\.js$`));
      expect(existsSync(type.script)).toBe(true);
    }
    expect(findBuiltinType('static')?.options).toHaveProperty('root');
    expect(findBuiltinType('sse')?.options).toHaveProperty('interval');
    expect(findBuiltinType('command')).toBeUndefined();
  });

  it('validates options with messages a user can act on', () => {
    const staticType = findBuiltinType('static')!;
    expect(staticType.validate({}, cwd)).toBeNull();
    expect(staticType.validate({ root: 'public' }, cwd)).toBeNull();
    expect(staticType.validate({ root: 'nowhere' }, cwd)).toMatch(new RegExp(`static root ${cwd}/nowhere does not exist`));
    expect(staticType.validate({ root: 'file.txt' }, cwd)).toMatch(/is not a directory/);
    expect(staticType.validate({ rot: 'x' }, cwd)).toMatch(/unknown option 'rot' for static; it accepts: root/);
    expect(findBuiltinType('echo')!.validate({ a: '1' })).toMatch(/it takes no options/);
    expect(findBuiltinType('sse')!.validate({ interval: '5' })).toMatch(/at least 10/);
    expect(findBuiltinType('sse')!.validate({ interval: '250' })).toBeNull();
  });

  it('launches static with a root resolved against the registering cwd, as the daemon would', async () => {
    const staticType = findBuiltinType('static')!;
    const launch = staticType.launch({ root: 'public' }, cwd);
    expect(launch.args).toEqual([join(cwd, 'public')]);
    // Started from elsewhere, as the daemon is: the resolved root must not depend on the child's cwd.
    const site = await startProgram(staticType.script, launch.args, launch.env);
    expect((await request(site.port, '/')).text).toBe('from the client cwd');
    expect((await request(site.port, staticType.healthPath)).status).toBe(200);
  });

  it('launches sse with its interval in the environment', async () => {
    const sseType = findBuiltinType('sse')!;
    const launch = sseType.launch({ interval: '20' });
    expect(launch.env).toEqual({ SSE_INTERVAL_MS: '20' });
    const sse = await startProgram(sseType.script, launch.args, launch.env);
    expect((await request(sse.port, sseType.healthPath)).status).toBe(200);
  });
});
