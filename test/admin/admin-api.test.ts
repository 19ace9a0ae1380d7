import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../proxy/fixtures/harness.js';

const CREDENTIALS = { AUTH_ADMIN_ID: 'admin', AUTH_ADMIN_SECRET: 'password' };
const GOOD = `Basic ${Buffer.from('admin:password').toString('base64')}`;
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function post(harness: Harness, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${harness.url}${path}`, { method: 'POST', body, headers: { authorization: GOOD, ...headers } });
}

describe('admin API with credentials set', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness({ env: CREDENTIALS });
  });

  afterEach(async () => {
    await harness.door.close();
  });

  it('GET /health needs no auth and counts services', async () => {
    await harness.control.register({ type: 'echo', name: 'one' });
    const response = await fetch(`${harness.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', pid: process.pid, services: { total: 1, running: 1 }, instances: { total: 1, ready: 1 }, admin: 'enabled' });
  });

  it('good credentials list the services; wrong and missing ones get 401 with WWW-Authenticate', async () => {
    await harness.control.register({ type: 'echo', name: 'one' });
    const good = await fetch(`${harness.url}/services`, { headers: { authorization: GOOD } });
    expect(good.status).toBe(200);
    const { services } = (await good.json()) as { services: { uuid: string; name: string; type: string; status: string }[] };
    expect(services).toEqual([expect.objectContaining({ name: 'one', type: 'echo', status: 'running', uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) })]);

    for (const authorization of [`Basic ${Buffer.from('admin:wrong').toString('base64')}`, `Basic ${Buffer.from('root:password').toString('base64')}`, 'Bearer x', undefined]) {
      const response = await fetch(`${harness.url}/services`, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="herve"/);
      expect(await response.json()).toMatchObject({ error: 'unauthorized' });
    }
  });

  it('registers from the seed’s form body, then refuses the same name with 409', async () => {
    const created = await post(harness, '/services/register', 'name=my-service&type=echo', FORM);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: 'my-service', type: 'echo', status: 'running' });
    const again = await post(harness, '/services/register', 'name=my-service&type=echo', FORM);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'name_taken' });
  });

  it('registers from JSON and from a form with nested fields', async () => {
    const json = await post(harness, '/services/register', JSON.stringify({ type: 'echo', name: 'json-one', replicas: 2 }), { 'content-type': 'application/json' });
    expect(json.status).toBe(201);
    expect(await json.json()).toMatchObject({ name: 'json-one', replicas: 2 });
    const form = await post(harness, '/services/register', 'name=formy&type=command&command=node&args=server.js&replicas=3&health=/ready&env.MODE=fast&start=false', FORM);
    expect(form.status).toBe(201);
    expect(await form.json()).toMatchObject({ name: 'formy', replicas: 3, args: ['server.js'], env: { MODE: 'fast' }, health: { path: '/ready' }, status: 'stopped' });
  });

  it('bad bodies get 400 naming the field', async () => {
    const cases: [string, Record<string, string>, string, string][] = [
      ['name=Bad_Name&type=echo', FORM, 'invalid_name', 'name'],
      ['name=ok', FORM, 'bad_request', 'type'],
      ['name=ok&type=echo&replicas=lots', FORM, 'bad_request', 'replicas'],
      ['name=ok&type=echo&colour=blue', FORM, 'bad_request', 'colour'],
      ['{"type": "echo", "name": ', { 'content-type': 'application/json' }, 'bad_json', 'JSON'],
      ['name=health&type=echo', FORM, 'invalid_name', 'reserved'],
    ];
    for (const [body, headers, code, mention] of cases) {
      const response = await post(harness, '/services/register', body, headers);
      expect(response.status, body).toBe(400);
      const reply = (await response.json()) as { error: string; message: string };
      expect(reply.error, body).toBe(code);
      expect(reply.message, body).toContain(mention);
    }
    const unknownType = await post(harness, '/services/register', 'name=ok&type=quantum', FORM);
    expect(unknownType.status).toBe(400);
    expect(await unknownType.json()).toMatchObject({ error: 'unknown_type' });
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: harness.door.port, method: 'POST', path: '/services/register', headers: { authorization: GOOD, 'content-length': String(2 * 1024 * 1024) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('name=');
    });
    expect(status).toBe(413);
  });

  it('start, stop, restart and unregister by uuid or name; unknown ones 404', async () => {
    const { uuid } = (await (await post(harness, '/services/register', 'name=svc&type=echo', FORM)).json()) as { uuid: string };
    const stopped = await post(harness, `/services/${uuid}/stop`);
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({ name: 'svc', status: 'stopped' });
    expect(await (await post(harness, '/services/svc/start')).json()).toMatchObject({ status: 'running' });
    expect(await (await post(harness, `/services/${uuid}/restart`)).json()).toMatchObject({ status: 'running' });
    expect(await (await post(harness, `/services/${uuid}/unregister`)).json()).toEqual({ uuid, name: 'svc' });
    const missing = await post(harness, `/services/${uuid}/start`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const badAction = await post(harness, '/services/svc/explode');
    expect(badAction.status).toBe(404);
    const wrongMethod = await fetch(`${harness.url}/services/svc/start`, { headers: { authorization: GOOD } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('a bug in the orchestrator is a 500 without a stack trace', async () => {
    harness.control.list = () => {
      throw new Error('boom at secret/place.ts:12');
    };
    const response = await fetch(`${harness.url}/services`, { headers: { authorization: GOOD } });
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret/place');
    expect(harness.logs.join('\n')).toContain('boom');
  });
});

describe('admin API without credentials', () => {
  it('answers 503 saying how to enable it; /health still works', async () => {
    const harness = await startHarness({ env: {} });
    try {
      const response = await fetch(`${harness.url}/services`, { headers: { authorization: GOOD } });
      expect(response.status).toBe(503);
      const body = (await response.json()) as { error: string; hint: string };
      expect(body.error).toBe('admin_disabled');
      expect(body.hint).toContain('AUTH_ADMIN_ID');
      expect(body.hint).toContain('AUTH_ADMIN_SECRET');
      expect((await fetch(`${harness.url}/health`)).status).toBe(200);
    } finally {
      await harness.door.close();
    }
  });
});
