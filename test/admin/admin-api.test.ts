import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceInfo } from '../../protocol/index.js';
import { assertProcessGone, cleanUpAfterEach, isAlive } from '../helpers/daemon.js';
import { startHarness } from '../proxy/fixtures/harness.js';
import { ADMIN_ENV, GOOD_AUTH, pidsOf, startAdminDaemon, type AdminDaemon } from './admin-daemon.js';
import { itemAt } from '../helpers/item-at.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_BODY = { 'content-type': 'application/json' };
const seenPids = new Set<number>();

function post(admin: AdminDaemon, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
  return admin.call(path, { method: 'POST', body, headers });
}

async function registered(admin: AdminDaemon, body: string, headers: Record<string, string>): Promise<ServiceInfo> {
  const response = await post(admin, '/services/register', body, headers);
  expect(response.status, body).toBe(201);
  return (await response.json()) as ServiceInfo;
}

/** Waits for every instance of `name` to be ready and remembers their pids for the cleanup check. */
async function running(admin: AdminDaemon, name: string): Promise<ServiceInfo> {
  const info = await admin.waitForService(name, (each) => each.status === 'running' && each.instances.every((instance) => instance.ready), `${name} running`);
  pidsOf(info).forEach((pid) => {
    seenPids.add(pid);
  });
  return info;
}

// One daemon for these tests (starting one is the slow part); each test registers services of its own names.
describe('admin API on a real daemon started with AUTH_ADMIN_ID and AUTH_ADMIN_SECRET', () => {
  let admin: AdminDaemon;

  beforeAll(async () => {
    admin = await startAdminDaemon();
  });

  afterAll(async () => {
    await admin.daemon.stop();
    admin.daemon.removeHome();
    for (const pid of [admin.daemon.pid, ...seenPids]) await assertProcessGone(pid);
  });

  it('GET /health needs no auth and counts the real services and instances', async () => {
    await admin.daemon.client.call('register', { type: 'echo', name: 'pair', replicas: 2 });
    await running(admin, 'pair');
    await admin.daemon.client.call('register', { type: 'echo', name: 'idle', start: false });
    const response = await fetch(`${admin.url}/health`);
    expect(response.status).toBe(200);
    const { services } = await admin.daemon.client.call('list');
    const instances = services.flatMap((service) => service.instances);
    expect(services.map((service) => service.name)).toEqual(expect.arrayContaining(['pair', 'idle']));
    expect(await response.json()).toMatchObject({
      status: 'ok',
      pid: admin.daemon.pid,
      services: { total: services.length, running: services.filter((service) => service.status === 'running').length },
      instances: { total: instances.length, ready: instances.filter((instance) => instance.ready).length },
      admin: 'enabled',
    });
    expect(services.find((service) => service.name === 'idle')?.status).toBe('stopped');
  });

  it('good credentials list the services; wrong and missing ones get 401 with WWW-Authenticate and change nothing', async () => {
    await admin.daemon.client.call('register', { type: 'echo', name: 'one' });
    const before = await running(admin, 'one');
    const good = await admin.call('/services');
    expect(good.status).toBe(200);
    const { services } = (await good.json()) as { services: ServiceInfo[] };
    expect(services).toContainEqual(expect.objectContaining({ name: 'one', type: 'echo', status: 'running', uuid: before.uuid }));
    expect(before.uuid).toMatch(/^[0-9a-f-]{36}$/);

    for (const authorization of [
      `Basic ${Buffer.from('admin:wrong').toString('base64')}`,
      `Basic ${Buffer.from('root:password').toString('base64')}`,
      'Bearer x',
      undefined,
    ]) {
      const headers: Record<string, string> = authorization ? { authorization } : {};
      for (const [path, method] of [
        ['/services', 'GET'],
        ['/services/one/stop', 'POST'],
        ['/services/one/unregister', 'POST'],
      ]) {
        const response = await fetch(`${admin.url}${path}`, { method, headers });
        expect(response.status, `${method} ${path} with ${authorization}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="herve"/);
        expect(await response.json()).toMatchObject({ error: 'unauthorized' });
      }
    }
    const after = await admin.daemon.client.call('get', { service: 'one' });
    expect(after).toMatchObject({ status: 'running', restarts: 0 });
    expect(pidsOf(after)).toEqual(pidsOf(before));
  });

  it('registers from the seed’s form body, serves it through the front door, then refuses the same name with 409', async () => {
    const created = await registered(admin, 'name=my-service&type=echo', FORM);
    expect(created).toMatchObject({ name: 'my-service', type: 'echo' });
    await running(admin, 'my-service');
    const echoed = await fetch(`${admin.url}/my-service/hello?x=1`);
    expect(echoed.status).toBe(200);
    expect(await echoed.json()).toMatchObject({ method: 'GET', path: '/hello', query: { x: '1' } });
    const again = await post(admin, '/services/register', 'name=my-service&type=echo', FORM);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: 'name_taken' });
  });

  it('registers from JSON and from a form with nested fields', async () => {
    expect(await registered(admin, JSON.stringify({ type: 'echo', name: 'json-one', replicas: 2 }), JSON_BODY)).toMatchObject({
      name: 'json-one',
      replicas: 2,
    });
    const two = await running(admin, 'json-one');
    expect(new Set(pidsOf(two)).size).toBe(2);
    const form = await registered(admin, 'name=formy&type=command&command=node&args=server.js&replicas=3&health=/ready&env.MODE=fast&start=false', FORM);
    expect(form).toMatchObject({ name: 'formy', replicas: 3, args: ['server.js'], health: { path: '/ready' }, status: 'stopped' });
    const stored = await admin.daemon.client.call('get', { service: 'formy' });
    expect(stored.env).toMatchObject({ MODE: 'fast' });
    expect(pidsOf(stored)).toEqual([]);
  });

  it('bad bodies get 400 naming the field and register nothing', async () => {
    const cases: [string, Record<string, string>, string, string][] = [
      ['name=Bad_Name&type=echo', FORM, 'invalid_name', 'name'],
      ['name=ok', FORM, 'bad_request', 'type'],
      ['name=ok&type=echo&replicas=lots', FORM, 'bad_request', 'replicas'],
      ['name=ok&type=echo&colour=blue', FORM, 'bad_request', 'colour'],
      ['{"type": "echo", "name": ', JSON_BODY, 'bad_json', 'JSON'],
      ['name=health&type=echo', FORM, 'invalid_name', 'reserved'],
    ];
    for (const [body, headers, code, mention] of cases) {
      const response = await post(admin, '/services/register', body, headers);
      expect(response.status, body).toBe(400);
      const reply = (await response.json()) as { error: string; message: string };
      expect(reply.error, body).toBe(code);
      expect(reply.message, body).toContain(mention);
    }
    const unknownType = await post(admin, '/services/register', 'name=ok&type=quantum', FORM);
    expect(unknownType.status).toBe(400);
    expect(await unknownType.json()).toMatchObject({ error: 'unknown_type' });
    const names = (await admin.daemon.client.call('list')).services.map((service) => service.name);
    expect(names.filter((name) => name === 'ok' || name === 'health' || name.toLowerCase() === 'bad_name')).toEqual([]);
  });

  it('refuses a body over 1 MiB with 413 and keeps serving', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: admin.port,
          method: 'POST',
          path: '/services/register',
          headers: { authorization: GOOD_AUTH, 'content-length': String(2 * 1024 * 1024) },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('name=');
    });
    expect(status).toBe(413);
    expect((await admin.call('/services')).status).toBe(200);
  });

  it('start, stop, restart and unregister by uuid or name really stop and start processes; unknown ones 404', async () => {
    const { uuid } = await registered(admin, 'name=svc&type=echo', FORM);
    const firstPid = itemAt(pidsOf(await running(admin, 'svc')), 0);

    const stopped = await post(admin, `/services/${uuid}/stop`);
    expect(stopped.status).toBe(200);
    expect(await stopped.json()).toMatchObject({ name: 'svc', status: 'stopped' });
    await assertProcessGone(firstPid);
    expect((await fetch(`${admin.url}/svc/`)).status).toBe(503);

    expect((await post(admin, '/services/svc/start')).status).toBe(200);
    const secondPid = itemAt(pidsOf(await running(admin, 'svc')), 0);
    expect(secondPid).not.toBe(firstPid);
    expect((await fetch(`${admin.url}/svc/`)).status).toBe(200);

    expect((await post(admin, `/services/${uuid}/restart`)).status).toBe(200);
    const thirdPid = itemAt(
      pidsOf(await admin.waitForService('svc', (info) => info.status === 'running' && pidsOf(info)[0] !== secondPid, 'svc restarted')),
      0,
    );
    seenPids.add(thirdPid);
    await assertProcessGone(secondPid);
    expect(isAlive(thirdPid)).toBe(true);

    expect(await (await post(admin, `/services/${uuid}/unregister`)).json()).toEqual({ uuid, name: 'svc' });
    await assertProcessGone(thirdPid);
    expect((await fetch(`${admin.url}/svc/`)).status).toBe(404);
    const missing = await post(admin, `/services/${uuid}/start`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    const badAction = await post(admin, '/services/svc/explode');
    expect(badAction.status).toBe(404);
    const wrongMethod = await admin.call('/services/svc/start');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });
});

describe('admin API on a real daemon without credentials', () => {
  cleanUpAfterEach(new Set());

  it('answers 503 saying how to enable it; /health still works', async () => {
    const admin = await startAdminDaemon({ AUTH_ADMIN_ID: undefined, AUTH_ADMIN_SECRET: undefined });
    const response = await admin.call('/services');
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: string; hint: string };
    expect(body.error).toBe('admin_disabled');
    expect(body.hint).toContain('AUTH_ADMIN_ID');
    expect(body.hint).toContain('AUTH_ADMIN_SECRET');
    expect(await (await fetch(`${admin.url}/health`)).json()).toMatchObject({ admin: 'disabled' });
  });
});

// A fault cannot be provoked in the real orchestrator from outside, so this one injects it into the
// in-memory stand-in behind a real front door.
describe('admin API facing a failing orchestrator', () => {
  it('a bug in the orchestrator is a 500 without a stack trace', async () => {
    const harness = await startHarness({ env: ADMIN_ENV });
    try {
      harness.control.list = () => {
        throw new Error('boom at secret/place.ts:12');
      };
      const response = await fetch(`${harness.url}/services`, { headers: { authorization: GOOD_AUTH } });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(text).not.toContain('secret/place');
      expect(harness.logs.join('\n')).toContain('boom');
    } finally {
      await harness.door.close();
    }
  });
});
