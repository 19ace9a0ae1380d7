import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES, PROTOCOL_VERSION } from '../../protocol/index.js';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { RawSocket } from '../helpers/raw-socket.js';

let daemon: TestDaemon;
let raw: RawSocket;

beforeAll(async () => {
  daemon = await startDaemon();
  raw = await RawSocket.connect(daemon.paths.socket);
});

afterAll(async () => {
  raw?.close();
  await daemon?.stop();
  daemon?.removeHome();
});

/** After each bad line, the other client (and this one) still get answers. */
async function othersStillServed(): Promise<void> {
  expect((await daemon.client.call('ping')).pong).toBe(true);
}

function errorOf(reply: Record<string, unknown>): { code: string; message: string; hint?: string } {
  expect(reply.ok).toBe(false);
  return reply.error as { code: string; message: string; hint?: string };
}

describe('bad input on the control socket', () => {
  it('malformed JSON gets bad_json', async () => {
    const reply = await raw.request('{"id": 1, "method": "ping"');
    expect(reply.id).toBeNull();
    expect(errorOf(reply).code).toBe('bad_json');
    await othersStillServed();
  });

  it('a wrong envelope or param type gets bad_request', async () => {
    expect(errorOf(await raw.request('[1,2,3]')).code).toBe('bad_request');
    const reply = await raw.request(JSON.stringify({ id: 2, method: 'logs', params: { lines: 'many' } }));
    expect(reply.id).toBe(2);
    expect(errorOf(reply)).toMatchObject({ code: 'bad_request' });
    expect(errorOf(reply).message).toContain('lines');
    await othersStillServed();
  });

  it('an unknown method gets unknown_method listing the known ones', async () => {
    const reply = await raw.request(JSON.stringify({ id: 3, method: 'explode' }));
    expect(errorOf(reply).code).toBe('unknown_method');
    expect(errorOf(reply).message).toContain('register');
    await othersStillServed();
  });

  it('an unknown service gets not_found with a hint', async () => {
    const reply = await raw.request(JSON.stringify({ id: 4, method: 'stop', params: { service: 'nope' } }));
    expect(errorOf(reply)).toMatchObject({ code: 'not_found', hint: 'see the registered services with: herve ls' });
    await othersStillServed();
  });

  it('an invalid or reserved name gets invalid_name', async () => {
    for (const name of ['Bad Name', '-dash', 'metrics', '_herve', 'a'.repeat(64)]) {
      const reply = await raw.request(JSON.stringify({ id: 5, method: 'register', params: { type: 'echo', name } }));
      expect(errorOf(reply).code, name).toBe('invalid_name');
    }
    await othersStillServed();
  });

  it('an unknown type lists the types; command without a command says what to give', async () => {
    const unknown = await raw.request(JSON.stringify({ id: 6, method: 'register', params: { type: 'rocket' } }));
    expect(errorOf(unknown).code).toBe('unknown_type');
    expect(errorOf(unknown).message).toContain('echo, static, sse, command');
    const bare = await raw.request(JSON.stringify({ id: 7, method: 'register', params: { type: 'command', name: 'bare' } }));
    expect(errorOf(bare).code).toBe('bad_request');
    await othersStillServed();
  });

  it('a cwd that is not an absolute directory gets bad_request saying what to do', async () => {
    for (const cwd of ['relative/dir', '/nonexistent/herve-dir']) {
      const reply = await raw.request(JSON.stringify({ id: 12, method: 'register', params: { type: 'command', name: 'lost', command: 'true', cwd } }));
      expect(errorOf(reply).code, cwd).toBe('bad_request');
      expect(errorOf(reply).hint, cwd).toBeTruthy();
    }
  });

  it('a duplicate name gets name_taken with the next step', async () => {
    const first = await daemon.client.call('register', { type: 'echo', name: 'twin', start: false });
    expect(first.name).toBe('twin');
    const reply = await raw.request(JSON.stringify({ id: 8, method: 'register', params: { type: 'echo', name: 'twin' } }));
    expect(errorOf(reply)).toMatchObject({ code: 'name_taken', hint: 'choose another with --name' });
    await daemon.client.call('unregister', { service: 'twin' });
  });

  it('a hello with another protocol version gets version_mismatch', async () => {
    const reply = await raw.request(JSON.stringify({ id: 9, method: 'hello', params: { version: 99 } }));
    expect(errorOf(reply).code).toBe('version_mismatch');
  });

  it('a line over 1 MiB closes only that connection, after an error reply', async () => {
    const victim = await RawSocket.connect(daemon.paths.socket);
    victim.send(Buffer.alloc(MAX_LINE_BYTES + 10, 'x'));
    const reply = await victim.nextMessage();
    expect(errorOf(reply).code).toBe('bad_request');
    await waitFor(() => victim.closed, { message: 'oversized connection not closed' });
    await othersStillServed();
    expect((await raw.request(JSON.stringify({ id: 10, method: 'ping' }))).ok).toBe(true);
  });

  it('a line just under the limit is still read', async () => {
    const padding = 'p'.repeat(MAX_LINE_BYTES - 100);
    const reply = await raw.request(JSON.stringify({ id: 11, method: 'hello', params: { version: PROTOCOL_VERSION, client: padding } }));
    // Too long a client name for the schema, but read and answered, not cut off.
    expect(errorOf(reply).code).toBe('bad_request');
    expect(raw.closed).toBe(false);
  });
});
