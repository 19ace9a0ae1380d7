import { existsSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, herve, makeHome, stopAndProve } from './harness.js';

/** The status of GET /health sent to 127.0.0.1 with this Host header. */
function healthStatus(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('herve up --allow-host', () => {
  let home = '';
  beforeAll(() => ensureBuilt());
  afterEach(async () => {
    if (home) await stopAndProve(home);
    home = '';
  });

  it('the daemon it starts also answers for the hosts given, and for no other', async () => {
    home = makeHome();
    const up = await herve(home, ['up', '--port', '0', '--allow-host', 'dev.test', '--allow-host', '*.Corp.Test']);
    expect(up.exitCode, up.stderr).toBe(0);
    const port = Number(/http:\/\/localhost:(\d+)\//.exec(up.stdout)?.[1]);
    for (const host of ['dev.test', `dev.test:${port}`, 'api.corp.test', `localhost:${port}`]) expect(await healthStatus(port, host), host).toBe(200);
    for (const host of ['evil.example.com', 'corp.test']) expect(await healthStatus(port, host), host).toBe(421);
  });

  it('refuses a malformed host before starting anything', async () => {
    const badHome = makeHome();
    try {
      const up = await herve(badHome, ['up', '--port', '0', '--allow-host', 'http://dev.test:8080/']);
      expect(up.exitCode).toBe(2);
      expect(up.stderr).toContain('--allow-host: "http://dev.test:8080/" is not a host name');
      expect(existsSync(join(badHome, 'herve.sock'))).toBe(false);
      expect((await herve(badHome, ['ls'])).exitCode).toBe(3);
    } finally {
      rmSync(badHome, { recursive: true, force: true });
    }
  });
});
