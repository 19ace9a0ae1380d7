import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanUpAfterEach, isAlive, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fuzzSettings, reportFuzz } from './fuzz-settings.js';

let daemon: TestDaemon | undefined;
const seenPids = new Set<number>();

cleanUpAfterEach(seenPids);

const CREDENTIALS = { AUTH_ADMIN_ID: 'admin', AUTH_ADMIN_SECRET: 'password' };
const GOOD = `Basic ${Buffer.from('admin:password').toString('base64')}`;
const SENTINEL = 'sentinel';

const segment = fc.oneof(fc.constantFrom('services', 'register', 'start', 'stop', 'restart', 'unregister', 'health', 'metrics', '_herve', 'upstreams', '..', '%00', '%2e%2e', ''), fc.string({ maxLength: 12 }).map(encodeURIComponent));
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
const field = fc.constantFrom('name', 'type', 'replicas', 'command', 'args', 'cwd', 'env.A', 'option.root', 'health', 'restart', 'start', 'health.intervalMs', 'x.y.z', '');
const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('echo', 'command', '0x10', '-1', '1e9', '\u0000', 'none', 'false'));
const formBody = fc.array(fc.tuple(field, value), { maxLength: 6 }).map((pairs) => new URLSearchParams(pairs).toString());
const jsonBody = fc.oneof(fc.json(), fc.record({ name: value, type: value, replicas: fc.oneof(fc.integer(), value), start: fc.constant(false) }, { requiredKeys: [] }).map((body) => JSON.stringify(body)));
const exchange = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
  path,
  body: fc.oneof(fc.constant(undefined), formBody, jsonBody, fc.string({ maxLength: 100 })),
  contentType: fc.constantFrom(undefined, 'application/json', 'application/x-www-form-urlencoded', 'text/plain'),
  authorized: fc.boolean(),
});

const KNOWN_STATUSES = [200, 201, 202, 204, 400, 401, 404, 405, 409, 413, 415, 503];

describe('fuzzing the admin HTTP API', () => {
  it('answers every request with a known status and a JSON error body, and keeps serving', async () => {
    daemon = await startDaemon({ env: CREDENTIALS });
    const sentinel = await daemon.client.call('register', { type: 'echo', name: SENTINEL });
    sentinel.instances.forEach((instance) => instance.pid && seenPids.add(instance.pid));
    const base = `http://127.0.0.1:${daemon.proxyPort}`;
    const { seed, numRuns } = fuzzSettings(200);
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(exchange, async ({ method, path, body, contentType, authorized }) => {
        // Never aimed at the sentinel, whose service must still be served afterwards.
        fc.pre(!path.includes(SENTINEL) && !path.includes(sentinel.uuid));
        tried += 1;
        const headers: Record<string, string> = {};
        if (authorized) headers.authorization = GOOD;
        if (contentType) headers['content-type'] = contentType;
        const withBody = method !== 'GET' && method !== 'HEAD';
        const reply = await fetch(`${base}${path}`, { method, headers, body: withBody ? body : undefined });
        const text = await reply.text();
        const what = `${method} ${path} ${body ?? ''} → ${reply.status} ${text.slice(0, 200)}`;
        expect(KNOWN_STATUSES, what).toContain(reply.status);
        if (reply.status >= 400 && method !== 'HEAD') {
          const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
          expect([typeof parsed.error, typeof parsed.message], what).toEqual(['string', 'string']);
        }
        if (reply.status >= 500) expect(reply.status, what).toBe(503);
      }),
      { seed, numRuns },
    );
    reportFuzz('admin API', tried, seed);
    expect(isAlive(daemon.pid)).toBe(true);
    expect((await daemon.client.call('ping')).pong).toBe(true);
    expect(await waitFor(async () => (await fetch(`${base}/${SENTINEL}/after-fuzz`)).status === 200)).toBe(true);
    for (const service of (await daemon.client.call('list')).services) service.instances.forEach((instance) => instance.pid && seenPids.add(instance.pid));
  });
});
