import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../proxy/fixtures/harness.js';

const CREDENTIALS = { AUTH_ADMIN_ID: 'admin', AUTH_ADMIN_SECRET: 'password' };
const basic = (pair: string) => `Basic ${Buffer.from(pair).toString('base64')}`;
const GOOD = basic('admin:password');

describe('admin API against guessing and bad input', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness({ env: CREDENTIALS });
  });

  afterEach(async () => {
    await harness.door.close();
  });

  it('slows down wrong passwords from one client, without delaying the right one or other requests', async () => {
    const wrong = () => fetch(`${harness.url}/services`, { headers: { authorization: basic('admin:guess') } });
    for (let i = 0; i < 5; i++) expect((await wrong()).headers.get('retry-after')).toBeNull();
    // The 6th, 7th and 8th wait 250, 500 and 1000 ms: on a timer, so the daemon answers meanwhile.
    const began = Date.now();
    const slowed = Promise.all([wrong(), wrong(), wrong()].map(async (reply) => await reply));
    const health = await fetch(`${harness.url}/health`);
    expect(health.status).toBe(200);
    const replies = await slowed;
    expect(replies.map((reply) => reply.status)).toEqual([401, 401, 401]);
    expect(replies.every((reply) => reply.headers.get('retry-after') !== null)).toBe(true);
    expect(Date.now() - began).toBeGreaterThanOrEqual(900);
    expect((await fetch(`${harness.url}/services`, { headers: { authorization: GOOD } })).status).toBe(200);
    // The right password cleared this client's record: a wrong one is answered at once again.
    expect((await wrong()).headers.get('retry-after')).toBeNull();
  });

  it('refuses a NUL byte in command, args, cwd, env or a type option with 400 naming the field', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['command', { command: 'node\u0000x' }],
      ['args', { command: 'node', args: ['a\u0000b'] }],
      ['cwd', { command: 'node', cwd: '/tmp\u0000/x' }],
      ['env', { command: 'node', env: { MODE: 'a\u0000b' } }],
      ['options', { command: 'node', options: { root: '/srv\u0000' } }],
    ];
    for (const [field, extra] of cases) {
      const reply = await fetch(`${harness.url}/services/register`, {
        method: 'POST',
        headers: { authorization: GOOD, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'nul', type: 'command', ...extra }),
      });
      const body = (await reply.json()) as { message: string };
      expect([field, reply.status]).toEqual([field, 400]);
      expect(body.message).toContain(field);
      expect(body.message).toContain('NUL byte');
    }
  });

  it('reads numbers in a form body as plain decimal only: replicas=0x10 is refused, not 16', async () => {
    for (const replicas of ['0x10', '1e1', '2.0', ' 2']) {
      const reply = await fetch(`${harness.url}/services/register`, {
        method: 'POST',
        headers: { authorization: GOOD, 'content-type': 'application/x-www-form-urlencoded' },
        body: `name=hex&type=echo&replicas=${encodeURIComponent(replicas)}`,
      });
      expect([replicas, reply.status]).toEqual([replicas, 400]);
      expect(((await reply.json()) as { message: string }).message).toContain('replicas');
    }
  });

  it('answers a path of only slashes with JSON, not an internal error (found by the fuzz)', async () => {
    for (const path of ['//', '///services']) {
      const reply = await fetch(`${harness.url}${path}`);
      expect([path, reply.status < 500, reply.headers.get('content-type')]).toEqual([path, true, 'application/json; charset=utf-8']);
      expect(await reply.json()).toBeTypeOf('object');
    }
  });
});
