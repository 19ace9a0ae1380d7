import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertProcessGone, DAEMON_ENTRY, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';

/**
 * What a hostile web page can make a developer's browser send to the front door (issue 14):
 * forged admin calls (CSRF) and requests to a rebound domain (DNS rebinding).
 */

const CREDENTIALS = { AUTH_ADMIN_ID: 'admin', AUTH_ADMIN_SECRET: 'password' };
const AUTHORIZATION = `Basic ${Buffer.from('admin:password').toString('base64')}`;
const EVIL = 'https://evil.example.com';
const FORM = 'application/x-www-form-urlencoded';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Sent {
  method?: string;
  /** The Host header (default `localhost:PORT`); the connection always goes to 127.0.0.1. */
  host?: string;
  headers?: Record<string, string>;
  body?: string;
}

function send(port: number, path: string, sent: Sent = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers = { host: sent.host ?? `localhost:${port}`, ...sent.headers };
    const req = request({ host: '127.0.0.1', port, path, method: sent.method ?? 'GET', headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(sent.body);
  });
}

/** A websocket handshake: 101 when the upgrade went through (the socket is then closed), else the refusal. */
function upgrade(port: number, path: string, host: string, origin?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      host,
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': randomBytes(16).toString('base64'),
    };
    if (origin !== undefined) headers.origin = origin;
    const req = request({ host: '127.0.0.1', port, path, headers });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Every child process of `pid` (all its threads), from /proc. */
function childPids(pid: number): number[] {
  const tasks = readdirSync(`/proc/${pid}/task`);
  return tasks.flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number)).sort();
}

function json(reply: Reply): Record<string, unknown> {
  return JSON.parse(reply.body) as Record<string, unknown>;
}

describe('browser-borne attacks on a daemon with admin credentials set', () => {
  let daemon: TestDaemon;
  let port: number;
  let marker: string;
  const servicePids = new Set<number>();

  /** The issue's payload: a command service that would leave a file behind if it ever ran. */
  const attack = (name: string): string => `type=command&name=${name}&command=sh&arg=-c&arg=${encodeURIComponent(`touch ${marker}`)}`;

  async function serviceNames(): Promise<string[]> {
    return (await daemon.client.call('list')).services.map((service) => service.name);
  }

  /** Sends a forged call and proves it changed nothing: no new service, no new child, no file. */
  async function expectRefusedWithoutEffect(sent: Sent, path = '/services/register'): Promise<Reply> {
    const before = { names: await serviceNames(), children: childPids(daemon.pid) };
    const reply = await send(port, path, { method: 'POST', ...sent, headers: { authorization: AUTHORIZATION, ...sent.headers } });
    expect(await serviceNames()).toEqual(before.names);
    expect(childPids(daemon.pid)).toEqual(before.children);
    expect(existsSync(marker)).toBe(false);
    return reply;
  }

  beforeAll(async () => {
    daemon = await startDaemon({ env: CREDENTIALS });
    port = daemon.proxyPort!;
    marker = join(daemon.home, 'pwned');
    for (const service of [{ type: 'echo' as const }, fixtureService('chat', 'ws-echo.mjs')]) {
      const info = await daemon.client.call('register', service);
      info.instances.forEach((instance) => {
        servicePids.add(instance.pid!);
      });
    }
  });

  afterAll(async () => {
    const { services } = await daemon.client.call('list');
    services.forEach((service) => {
      service.instances.forEach((instance) => {
        instance.pid && servicePids.add(instance.pid);
      });
    });
    await daemon.stop();
    daemon.removeHome();
    for (const pid of [daemon.pid, ...servicePids]) await assertProcessGone(pid);
  });

  describe('CSRF on the admin API', () => {
    it('refuses the issue’s cross-site form register with 403 and starts nothing', async () => {
      const reply = await expectRefusedWithoutEffect({
        headers: { origin: EVIL, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'content-type': FORM },
        body: attack('pwned'),
      });
      expect(reply.status).toBe(403);
      expect(json(reply)).toMatchObject({ error: 'cross_origin', message: expect.stringContaining(EVIL) });
      expect(reply.headers['www-authenticate']).toBeUndefined();
    });

    it('refuses a foreign Origin alone, Sec-Fetch-Site alone, a same-site page on another port and Origin: null', async () => {
      const cases: Record<string, string>[] = [
        { origin: EVIL },
        { 'sec-fetch-site': 'cross-site' },
        { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' },
        { 'sec-fetch-site': 'same-site' },
        { origin: 'null' },
      ];
      for (const headers of cases) {
        const reply = await expectRefusedWithoutEffect({
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'echo', name: 'forged' }),
        });
        expect(reply.status, JSON.stringify(headers)).toBe(403);
        expect(json(reply).error, JSON.stringify(headers)).toBe('cross_origin');
      }
    });

    it('refuses forged stop, start, restart and unregister too', async () => {
      const { uuid } = await daemon.client.call('get', { service: 'echo' });
      for (const action of ['stop', 'start', 'restart', 'unregister']) {
        const reply = await expectRefusedWithoutEffect({ headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' } }, `/services/${uuid}/${action}`);
        expect(reply.status, action).toBe(403);
      }
      expect((await daemon.client.call('get', { service: 'echo' })).status).toBe('running');
    });

    it('never reads a text/plain body as JSON, from a page or from a script', async () => {
      const body = JSON.stringify({ type: 'command', name: 'pwned', command: 'sh', args: ['-c', `touch ${marker}`] });
      const fromPage = await expectRefusedWithoutEffect({ headers: { origin: EVIL, 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' }, body });
      expect(fromPage.status).toBe(403);
      const fromScript = await expectRefusedWithoutEffect({ headers: { 'content-type': 'text/plain;charset=UTF-8' }, body });
      expect(fromScript.status).toBe(415);
      expect(json(fromScript)).toMatchObject({ error: 'unsupported_media_type', hint: expect.stringContaining('application/json') });
    });

    it('refuses the CORS preflight, so a page cannot send JSON or a custom header either', async () => {
      const reply = await send(port, '/services/register', {
        method: 'OPTIONS',
        headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-herve-admin' },
      });
      expect(reply.status).toBe(403);
      expect(json(reply)).toMatchObject({ error: 'preflight_refused' });
      expect(Object.keys(reply.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    });

    it('a page of Herve’s own origin needs JSON or X-Herve-Admin: a plain form from it is refused', async () => {
      const own = { origin: `http://localhost:${port}`, 'sec-fetch-site': 'same-origin', authorization: AUTHORIZATION };
      const form = await expectRefusedWithoutEffect({ headers: { ...own, 'content-type': FORM }, body: 'type=echo&name=same-form' });
      expect(form.status).toBe(403);
      expect(json(form)).toMatchObject({ error: 'simple_request', hint: expect.stringContaining('X-Herve-Admin') });

      const jsonBody = await send(port, '/services/register', {
        method: 'POST',
        headers: { ...own, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'echo', name: 'same-json', start: false }),
      });
      expect(jsonBody.status, jsonBody.body).toBe(201);
      const marked = await send(port, '/services/register', {
        method: 'POST',
        headers: { ...own, 'content-type': FORM, 'x-herve-admin': '1' },
        body: 'type=echo&name=same-marked&start=false',
      });
      expect(marked.status, marked.body).toBe(201);
      for (const name of ['same-json', 'same-marked']) await daemon.client.call('unregister', { service: name });
    });

    it('refuses a websocket with a foreign Origin to the admin API', async () => {
      const reply = await upgrade(port, '/services', `localhost:${port}`, EVIL);
      expect(reply.status).toBe(403);
      expect(json(reply)).toMatchObject({ error: 'cross_origin' });
    });

    it('admin responses say nosniff and no-store, and never allow every origin', async () => {
      const replies = [
        await send(port, '/services', { headers: { authorization: AUTHORIZATION, origin: EVIL } }),
        await send(port, '/services'),
        await send(port, '/health'),
        await send(port, '/metrics'),
        await send(port, '/'),
        await send(port, '/services/register', { method: 'POST', headers: { origin: EVIL } }),
      ];
      for (const reply of replies) {
        expect(reply.headers['x-content-type-options'], reply.body.slice(0, 80)).toBe('nosniff');
        expect(reply.headers['cache-control']).toBe('no-store');
        expect(reply.headers['access-control-allow-origin']).toBeUndefined();
      }
    });
  });

  describe('DNS rebinding: the Host allow-list', () => {
    const REBOUND = ['evil.example.com', 'evil.example.com:80', 'echo.localhost.evil.example.com', '10.0.0.1', '[::ffff:7f00:1]', 'localhost.evil.example.com'];

    it('answers 421 naming the allowed hosts on every route kind', async () => {
      for (const host of REBOUND) {
        const withPort = host.includes(':') && !host.endsWith(']') ? host : `${host}:${port}`;
        const replies: [string, Reply][] = [
          ['path route', await send(port, '/echo/x', { host: withPort })],
          ['route list', await send(port, '/', { host: withPort })],
          ['health', await send(port, '/health', { host: withPort })],
          ['admin', await send(port, '/services', { host: withPort, headers: { authorization: AUTHORIZATION } })],
          ['metrics', await send(port, '/metrics', { host: withPort })],
          ['websocket', await upgrade(port, '/chat/', withPort)],
        ];
        for (const [kind, reply] of replies) {
          expect(reply.status, `${kind} with Host ${withPort}`).toBe(421);
          expect(json(reply), kind).toMatchObject({
            error: 'misdirected_request',
            allowedHosts: expect.arrayContaining(['localhost', '127.0.0.1', '[::1]', '*.localhost']),
          });
          expect(json(reply).hint, kind).toMatch(/--allow-host/);
        }
      }
    });

    it('a rebound admin register is refused before it runs anything', async () => {
      const reply = await expectRefusedWithoutEffect({ host: `evil.example.com:${port}`, headers: { 'content-type': FORM }, body: attack('rebound') });
      expect(reply.status).toBe(421);
    });

    it('localhost, 127.0.0.1, [::1] and name.localhost keep working, with or without a port, in any case', async () => {
      const hosts = ['localhost', '127.0.0.1', '[::1]', 'LocalHost'].flatMap((host) => [host, `${host}:${port}`]);
      for (const host of hosts) {
        expect((await send(port, '/echo/x', { host })).status, host).toBe(200);
        expect((await send(port, '/', { host })).status, host).toBe(200);
        expect((await send(port, '/health', { host })).status, host).toBe(200);
        expect((await send(port, '/metrics', { host })).status, host).toBe(200);
        expect((await send(port, '/services', { host, headers: { authorization: AUTHORIZATION } })).status, host).toBe(200);
        expect((await upgrade(port, '/chat/', host)).status, host).toBe(101);
      }
      for (const host of ['echo.localhost', `echo.localhost:${port}`]) {
        const reply = await send(port, '/x', { host });
        expect(reply.status, host).toBe(200);
        expect(json(reply)).toMatchObject({ path: '/x' });
      }
      expect((await upgrade(port, '/', `chat.localhost:${port}`)).status).toBe(101);
    });
  });
});

describe('hosts allowed by the settings', () => {
  it('adds HERVE_ALLOWED_HOSTS and --allow-host to the built-in hosts, and names them in the 421', async () => {
    const daemon = await startDaemon({ env: { HERVE_ALLOWED_HOSTS: 'dev.test, *.corp.test' }, args: ['--port', '0', '--allow-host', 'Other.Test'] });
    const port = daemon.proxyPort!;
    try {
      for (const host of ['dev.test', `dev.test:${port}`, 'api.corp.test', 'other.test', 'localhost']) {
        expect((await send(port, '/health', { host })).status, host).toBe(200);
      }
      const refused = await send(port, '/health', { host: 'corp.test' });
      expect(refused.status).toBe(421);
      expect(json(refused).allowedHosts).toEqual(expect.arrayContaining(['dev.test', '*.corp.test', 'other.test']));
    } finally {
      await daemon.stop();
      daemon.removeHome();
      await assertProcessGone(daemon.pid);
    }
  });

  it('a daemon given a malformed host refuses to start and says which', async () => {
    const home = mkdtempSync('/tmp/hv-');
    try {
      const child = spawn(process.execPath, [DAEMON_ENTRY, '--port', '0'], {
        env: { ...process.env, HERVE_HOME: home, HERVE_ALLOWED_HOSTS: 'dev.test,http://x/' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((done) => child.once('exit', done));
      // A daemon that wrongly starts is killed rather than left running.
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(killer);
      await assertProcessGone(child.pid!);
      expect(code, output).toBe(1);
      expect(output).toMatch(/cannot start: HERVE_ALLOWED_HOSTS: "http:\/\/x\/" is not a host name/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
