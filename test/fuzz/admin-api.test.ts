import { request } from 'node:http';
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

const segment = fc.oneof(
  fc.constantFrom('services', 'register', 'start', 'stop', 'restart', 'unregister', 'health', 'metrics', '_herve', 'upstreams', '..', '%00', '%2e%2e', ''),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
const field = fc.constantFrom(
  'name',
  'type',
  'replicas',
  'command',
  'args',
  'cwd',
  'env.A',
  'option.root',
  'health',
  'restart',
  'start',
  'health.intervalMs',
  'x.y.z',
  '',
);
const value = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('echo', 'command', '0x10', '-1', '1e9', '\u0000', 'none', 'false'));
const formBody = fc.array(fc.tuple(field, value), { maxLength: 6 }).map((pairs) => new URLSearchParams(pairs).toString());
const jsonBody = fc.oneof(
  fc.json(),
  fc
    .record({ name: value, type: value, replicas: fc.oneof(fc.integer(), value), start: fc.constant(false) }, { requiredKeys: [] })
    .map((body) => JSON.stringify(body)),
);
const exchange = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
  path,
  body: fc.oneof(fc.constant(undefined), formBody, jsonBody, fc.string({ maxLength: 100 })),
  contentType: fc.constantFrom(undefined, 'application/json', 'application/x-www-form-urlencoded', 'text/plain'),
  authorized: fc.boolean(),
  // The browser-borne cases: a page of another origin or site, and a rebound Host.
  origin: fc.constantFrom(undefined, 'own', 'https://evil.example.com', 'http://localhost:3000', 'null'),
  site: fc.constantFrom(undefined, 'same-origin', 'same-site', 'cross-site', 'none'),
  host: fc.constantFrom('own', 'evil.example.com', 'api.localhost', 'localhost.evil.example.com'),
  adminHeader: fc.boolean(),
});
type Exchange = typeof exchange extends fc.Arbitrary<infer T> ? T : never;

const KNOWN_STATUSES = [200, 201, 202, 204, 400, 401, 403, 404, 405, 409, 413, 415, 421, 503];
const MUTATING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

function send(
  port: number,
  { method, path, body, contentType, authorized, origin, site, host, adminHeader }: Exchange,
): Promise<{ status: number; text: string }> {
  const ownHost = `127.0.0.1:${port}`;
  const headers: Record<string, string> = { host: host === 'own' ? ownHost : host };
  if (authorized) headers.authorization = GOOD;
  if (contentType) headers['content-type'] = contentType;
  if (origin) headers.origin = origin === 'own' ? `http://${ownHost}` : origin;
  if (site) headers['sec-fetch-site'] = site;
  if (adminHeader) headers['x-herve-admin'] = '1';
  const withBody = method !== 'GET' && method !== 'HEAD' && body !== undefined;
  // Node frames an OPTIONS or DELETE body only when told its length.
  if (withBody) headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers }, (reply) => {
      let text = '';
      reply.setEncoding('utf8');
      reply.on('data', (chunk: string) => (text += chunk));
      reply.on('end', () => resolve({ status: reply.statusCode ?? 0, text }));
    });
    outgoing.on('error', reject);
    outgoing.end(withBody ? body : undefined);
  });
}

/** What a browser-borne request must get, whatever else it carries: 421 for a foreign Host, 403 for a forged change. */
function expectedRefusal({ method, path, origin, site, host }: Exchange): number | null {
  if (host === 'evil.example.com' || host === 'localhost.evil.example.com') return 421;
  const foreign = (origin !== undefined && origin !== 'own') || site === 'same-site' || site === 'cross-site';
  // `api.localhost` routes to the service named api, whatever the path.
  const adminPath = host !== 'api.localhost' && (path === '/services' || path.startsWith('/services/'));
  return foreign && adminPath && MUTATING.has(method) ? 403 : null;
}

describe('fuzzing the admin HTTP API', () => {
  it('answers every request with a known status and a JSON error body, and keeps serving', async () => {
    daemon = await startDaemon({ env: CREDENTIALS });
    const sentinel = await daemon.client.call('register', { type: 'echo', name: SENTINEL });
    sentinel.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    const base = `http://127.0.0.1:${daemon.proxyPort}`;
    const { seed, numRuns } = fuzzSettings(200);
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(exchange, async (attempt) => {
        const { method, path, body } = attempt;
        // Never aimed at the sentinel, whose service must still be served afterwards.
        fc.pre(!path.includes(SENTINEL) && !path.includes(sentinel.uuid));
        tried += 1;
        const reply = await send(daemon!.proxyPort!, attempt);
        const text = reply.text;
        const what = `${JSON.stringify(attempt)} ${body ?? ''} → ${reply.status} ${text.slice(0, 200)}`;
        expect(KNOWN_STATUSES, what).toContain(reply.status);
        const refusal = expectedRefusal(attempt);
        if (refusal !== null) expect(reply.status, what).toBe(refusal);
        if (reply.status >= 400 && method !== 'HEAD') {
          const parsed = JSON.parse(text) as { error?: unknown; message?: unknown };
          expect([typeof parsed.error, typeof parsed.message], what).toEqual(['string', 'string']);
        }
        if (reply.status >= 500) expect(reply.status, what).toBe(503);
      }),
      { seed, numRuns },
    );
    expect(isAlive(daemon.pid)).toBe(true);
    expect((await daemon.client.call('ping')).pong).toBe(true);
    expect(await waitFor(async () => (await fetch(`${base}/${SENTINEL}/after-fuzz`)).status === 200)).toBe(true);
    reportFuzz('admin API', tried, seed);
    for (const service of (await daemon.client.call('list')).services)
      service.instances.forEach((instance) => {
        instance.pid && seenPids.add(instance.pid);
      });
  });
});
