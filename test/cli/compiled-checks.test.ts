import { rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Event, methods, PROTOCOL_VERSION, Response } from '../../protocol/index.js';
import { compiledRepliesSource, EVERY_METHOD } from '../../scripts/compile-replies.mjs';
import { RawSocket } from '../helpers/raw-socket.js';
import { change, leaf, mutate } from '../helpers/reply-mutation.js';
import { ensureBuilt, herve, makeHome, stopAndProve } from './harness.js';

type Compiled = (raw: unknown) => { ok: true; value: unknown } | undefined;
interface CompiledModule {
  compiledResults: Record<string, Compiled>;
  compiledEvent: Compiled;
}

/** The kinds of event a dashboard with one echo service sees first. */
const WANTED = ['service', 'stats', 'log'];

/** A subscription to services, stats and logs: its events as the daemon sent them, until each kind in WANTED has come. */
async function rawEvents(home: string): Promise<Record<string, unknown>[]> {
  const socket = await RawSocket.connect(join(home, 'herve.sock'));
  try {
    const lines = [
      { id: 0, method: 'hello', params: { version: PROTOCOL_VERSION } },
      { id: 1, method: 'subscribe', params: { topics: ['services', 'stats', 'logs'] } },
    ];
    socket.send(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    // Log lines after the subscription: the echo service logs its start.
    const restart = herve(home, ['restart', 'echo']);
    const events: Record<string, unknown>[] = [];
    while (!WANTED.every((kind) => events.some((event) => event.event === kind))) {
      const message = await socket.nextMessage();
      if (message.event !== undefined) events.push(message);
    }
    await restart;
    return events;
  } finally {
    socket.close();
  }
}

/** Equal, key order included. */
const sameAs = (actual: unknown, expected: unknown) => expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));

describe('the compiled checks of the dashboard and the rest of the CLI (every result, the events) come out as zod parses them', () => {
  const home = makeHome();
  let compiled: CompiledModule;
  let events: Record<string, unknown>[];

  beforeAll(async () => {
    ensureBuilt();
    const source = compiledRepliesSource(methods, Response, { methods: EVERY_METHOD, event: Event });
    compiled = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as CompiledModule;
    await herve(home, ['up', '--port', '0']);
    await herve(home, ['register', 'echo']);
    events = await rawEvents(home);
  }, 90_000);

  afterAll(async () => {
    await stopAndProve(home);
    rmSync(home, { recursive: true, force: true });
  });

  it("vouches for a real daemon's service, stats and log events, with zod's output", () => {
    for (const event of events) {
      const checked = compiled.compiledEvent(event);
      expect(checked, JSON.stringify(event).slice(0, 80)).toBeDefined();
      sameAs(checked?.value, Event.parse(event));
    }
  });

  it('never vouches for an event zod refuses, nor differs from zod on one it accepts (random changes to real events)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...events), fc.array(change, { maxLength: 3 }), (event, changes) => {
        const value = structuredClone(event);
        for (const { path, value: replacement } of changes) mutate(value, path, replacement);
        const checked = compiled.compiledEvent(value);
        const zod = Event.safeParse(value);
        if (checked !== undefined) {
          expect(zod.success).toBe(true);
          sameAs(checked.value, zod.data);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('checks fixed tuples (the request headers) as zod does', () => {
    const header = fc.oneof(fc.tuple(fc.string(), fc.string()), fc.array(fc.string(), { maxLength: 3 }), leaf);
    const value = fc.record({ service: fc.oneof(fc.string(), leaf), requestId: fc.string(), headers: fc.oneof(fc.array(header, { maxLength: 4 }), leaf) });
    fc.assert(
      fc.property(value, (raw) => {
        const checked = compiled.compiledResults.requestHeaders?.(raw);
        const zod = methods.requestHeaders.result.safeParse(raw);
        expect(checked !== undefined).toBe(zod.success);
        if (checked !== undefined) sameAs(checked.value, zod.data);
      }),
      { numRuns: 500 },
    );
  });
});
