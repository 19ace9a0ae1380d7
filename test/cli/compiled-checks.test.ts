import { rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Event, methods, PROTOCOL_VERSION, Response } from '../../protocol/index.js';
import { compiledRepliesSource, EVERY_METHOD } from '../../scripts/compile-replies.mjs';
import { ensureBuilt, herve, makeHome, stopAndProve } from './harness.js';

type Compiled = (raw: unknown) => { ok: true; value: unknown } | undefined;
interface CompiledModule {
  compiledResults: Record<string, Compiled>;
  compiledEvent: Compiled;
}

/** The kinds of event a dashboard with one echo service sees first. */
const WANTED = ['service', 'stats', 'log'];

/** A subscription to every topic, its events as the daemon sent them, until each kind in WANTED has come. */
async function rawEvents(home: string): Promise<unknown[]> {
  const socket = createConnection(join(home, 'herve.sock'));
  const events: { event: string }[] = [];
  let buffer = '';
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
        const message = JSON.parse(buffer.slice(0, newline));
        buffer = buffer.slice(newline + 1);
        if (message.event !== undefined) events.push(message);
      }
      if (WANTED.every((kind) => events.some((event) => event.event === kind))) {
        socket.end();
        resolve(events);
      }
    });
    const lines = [
      { id: 0, method: 'hello', params: { version: PROTOCOL_VERSION } },
      { id: 1, method: 'subscribe', params: { topics: ['services', 'stats', 'logs'] } },
    ];
    socket.write(lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    // A log line after the subscription: the echo service logs each request it serves.
    setTimeout(() => void herve(home, ['restart', 'echo']).catch(reject), 200);
  });
}

/** Equal, key order included. */
const sameAs = (actual: unknown, expected: unknown) => expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));

/** Replace (or delete, for undefined) the entry reached by following `path` as indexes into each level's keys. */
function mutate(root: unknown, path: number[], replacement: unknown): void {
  let node = root as Record<string, unknown>;
  for (const [depth, step] of path.entries()) {
    if (node === null || typeof node !== 'object') return;
    const keys = Object.keys(node);
    if (keys.length === 0) return;
    const key = keys[step % keys.length] as string;
    if (depth === path.length - 1) {
      if (replacement === undefined) delete node[key];
      else node[key] = replacement;
      return;
    }
    node = node[key] as Record<string, unknown>;
  }
}

const leaf = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string(), fc.constant({}), fc.constant([]));
const change = fc.record({ path: fc.array(fc.nat(40), { minLength: 1, maxLength: 5 }), value: fc.option(leaf, { nil: undefined }) });

describe('the compiled checks of the dashboard and the rest of the CLI (every result, the events) come out as zod parses them', () => {
  const home = makeHome();
  let compiled: CompiledModule;
  let events: unknown[];

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
