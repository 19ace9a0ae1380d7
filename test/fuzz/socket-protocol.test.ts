import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, Event, methods, Response } from '../../protocol/index.js';
import { cleanUpAfterEach, isAlive, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { fuzzSettings, reportFuzz } from './fuzz-settings.js';

let daemon: TestDaemon | undefined;
const seenPids = new Set<number>();

cleanUpAfterEach(seenPids);

// `shutdown` would end the run; every other method, and some that do not exist, are fair game.
const METHODS = [...Object.keys(methods).filter((method) => method !== 'shutdown'), 'nope', '__proto__', 'constructor', ''];
const SENTINEL = 'sentinel';

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('echo', 'static', 'command', 'sse', '\u0000', '../..', 'a'.repeat(2000), '^(a+)+$', '(a)\\1'),
);
const paramValue: fc.Arbitrary<unknown> = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 4 }),
  fc.dictionary(text, text, { maxKeys: 4 }),
);
const params = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.record(
    {
      service: text,
      type: text,
      name: text,
      lines: fc.integer(),
      grep: text,
      topics: fc.array(text, { maxLength: 3 }),
      version: fc.integer(),
      wait: fc.boolean(),
      env: fc.dictionary(text, paramValue, { maxKeys: 3 }),
      replicas: paramValue,
      command: text,
      args: fc.array(text, { maxLength: 3 }),
      cwd: text,
      start: fc.constant(false),
    },
    { requiredKeys: [] },
  ),
);
const request = fc.record(
  { id: fc.oneof(fc.integer(), fc.string({ maxLength: 20 })), method: fc.constantFrom(...METHODS), params },
  { requiredKeys: ['id', 'method'] },
);
const line = fc
  .oneof(
    { weight: 6, arbitrary: request.map((message) => JSON.stringify(message)) },
    fc.json(),
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  )
  // One line each (so one reply each), never about the sentinel, never empty (the daemon skips blank lines).
  .map((raw) => raw.replace(/[\r\n]/g, ' '))
  .filter((raw) => raw.trim().length > 0 && !raw.includes(SENTINEL) && !raw.includes('shutdown'));

/** The next reply on the socket, skipping (and checking) pushed events. */
async function nextReply(socket: RawSocket): Promise<Response> {
  for (;;) {
    const message = await socket.nextMessage(10_000);
    if ('event' in message) {
      expect(Event.safeParse(message).success, JSON.stringify(message).slice(0, 300)).toBe(true);
      continue;
    }
    return Response.parse(message);
  }
}

describe('fuzzing the control socket', () => {
  it('answers every message with a well-formed reply, never an internal error, and keeps serving', async () => {
    daemon = await startDaemon();
    const sentinel = await daemon.client.call('register', { type: 'echo', name: SENTINEL });
    sentinel.instances.forEach((instance) => {
      instance.pid && seenPids.add(instance.pid);
    });
    const socket = await RawSocket.connect(daemon.paths.socket);
    const { seed, numRuns } = fuzzSettings(300);
    let tried = 0;
    try {
      await fc.assert(
        fc.asyncProperty(line, async (raw) => {
          tried += 1;
          socket.send(`${raw}\n`);
          const reply = await nextReply(socket);
          if (!reply.ok) expect(ErrorCode.options).toContain(reply.error.code);
          expect(reply.ok || reply.error.code !== 'internal', `${raw.slice(0, 200)} → ${JSON.stringify(reply).slice(0, 300)}`).toBe(true);
        }),
        { seed, numRuns },
      );
    } finally {
      socket.close();
    }
    expect(isAlive(daemon.pid)).toBe(true);
    expect((await daemon.client.call('ping')).pong).toBe(true);
    const served = await waitFor(async () => (await fetch(`http://127.0.0.1:${daemon!.proxyPort}/${SENTINEL}/after-fuzz`)).status === 200);
    expect(served).toBe(true);
    reportFuzz('control socket', tried, seed);
    // Whatever the fuzz registered is cleaned up with the daemon; remember its pids for the proof.
    for (const service of (await daemon.client.call('list')).services)
      service.instances.forEach((instance) => {
        instance.pid && seenPids.add(instance.pid);
      });
  });
});
