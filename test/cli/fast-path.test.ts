import { rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastInvocation } from '../../cli/fast-path.js';
import { methods, PROTOCOL_VERSION, Response } from '../../protocol/index.js';
import { compiledRepliesSource, FAST_METHODS } from '../../scripts/compile-replies.mjs';
import { change, mutate } from '../helpers/reply-mutation.js';
import { ensureBuilt, herve, herveEnv, makeHome, repoRoot, stopAndProve } from './harness.js';

type Compiled = (raw: unknown) => { ok: true; value: unknown } | undefined;
interface CompiledModule {
  compiledResponse: Compiled;
  compiledResults: Record<string, Compiled>;
}

/** The full program (commander, zod checks), from tsc's unbundled build: what the fast path must match. */
function fullProgram(home: string, args: string[]) {
  const script = "import { runProgram } from './dist/cli/run-program.js'; runProgram(['node', 'herve', ...process.argv.slice(1)]);";
  return execa(process.execPath, ['--input-type=module', '-e', script, ...args], { env: herveEnv(home), reject: false, cwd: repoRoot, timeout: 60_000 });
}

/** Ask the daemon directly, for its replies as sent (the raw JSON the CLI checks): hello's, then each call's. */
async function rawReplies(home: string, calls: [string, object][]): Promise<unknown[]> {
  const socket = createConnection(join(home, 'herve.sock'));
  const lines: unknown[] = [];
  let buffer = '';
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
        lines.push(JSON.parse(buffer.slice(0, newline)));
        buffer = buffer.slice(newline + 1);
      }
      if (lines.length === calls.length + 1) {
        socket.end();
        resolve(lines);
      }
    });
    const hello = { id: 0, method: 'hello', params: { version: PROTOCOL_VERSION } };
    socket.write([hello, ...calls.map(([method, params], id) => ({ id: id + 1, method, params }))].map((line) => `${JSON.stringify(line)}\n`).join(''));
  });
}

describe('the fast path recognises only the forms it runs exactly as commander would', () => {
  it('takes ls/status [--json], start/stop <service> [--json] [--no-wait] and logs [service] [-n|--lines N] [--json], in any order', () => {
    expect(fastInvocation(['ls'])).toEqual({ command: 'ls', json: false });
    expect(fastInvocation(['status', '--json'])).toEqual({ command: 'ls', json: true });
    expect(fastInvocation(['start', '--no-wait', 'api'])).toEqual({ command: 'start', service: 'api', json: false, wait: false });
    expect(fastInvocation(['stop', 'api', '--json'])).toEqual({ command: 'stop', service: 'api', json: true, wait: true });
    expect(fastInvocation(['logs'])).toEqual({ command: 'logs', service: undefined, lines: 100, json: false });
    expect(fastInvocation(['logs', '-n', '1000', 'api'])).toEqual({ command: 'logs', service: 'api', lines: 1000, json: false });
    expect(fastInvocation(['logs', '--json', 'api', '--lines', '0'])).toEqual({ command: 'logs', service: 'api', lines: 0, json: true });
  });

  it('leaves everything else to the full program: help, other flags, operands missing or extra, repeated flags, --', () => {
    for (const args of [
      [],
      ['--version'],
      ['ls', '--help'],
      ['ls', '-h'],
      ['ls', 'extra'],
      ['ls', '--json', '--json'],
      ['ls', '--no-wait'],
      ['start'],
      ['start', 'a', 'b'],
      ['start', 'api', '--rolling'],
      ['stop', '--', 'api'],
      ['stop', 'api', '--json=1'],
      ['restart', 'api'],
      ['logs', 'a', 'b'],
      ['logs', 'api', '-f'],
      ['logs', '--grep', 'GET'],
      ['logs', '--help'],
      ['logs', '-n'],
      ['logs', '-n', 'x'],
      ['logs', '-n', '-5'],
      ['logs', '-n', '1.5'],
      ['logs', '-n', '99999999999999999999'],
      ['logs', '-n1000'],
      ['logs', '--lines=5'],
      ['logs', '-n', '1', '--lines', '2'],
      ['logs', '--json', '--json'],
      ['logs', '--', 'api'],
    ]) {
      expect(fastInvocation(args), args.join(' ')).toBeNull();
    }
  });
});

describe('replies checked by the compiled checks come out as zod parses them', () => {
  const home = makeHome();
  let compiled: CompiledModule;
  let replies: Record<'hello' | 'list' | 'stats' | 'start' | 'stop', unknown>;

  beforeAll(async () => {
    ensureBuilt();
    const source = compiledRepliesSource(methods, Response);
    compiled = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as CompiledModule;
    await herve(home, ['up', '--port', '0']);
    await herve(home, ['register', 'echo', '--name', 'api']);
    await herve(home, ['register', 'command', '--name', 'idle', '--health', 'none', '--', 'sleep', '3600']);
    const [hello, list, stats, stop, start] = (await rawReplies(home, [
      ['list', {}],
      ['stats', {}],
      ['stop', { service: 'idle' }],
      ['start', { service: 'idle', wait: false }],
    ])) as { result: unknown }[];
    replies = { hello, list: list?.result, stats: stats?.result, stop: stop?.result, start: start?.result };
  }, 90_000);

  afterAll(async () => {
    await stopAndProve(home);
    rmSync(home, { recursive: true, force: true });
  });

  const zodOutput = (method: string, raw: unknown): unknown => methods[method as 'list'].result.parse(raw);
  /** Equal, key order included (what `--json` prints). */
  const sameAs = (actual: unknown, expected: unknown) => expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));

  it("vouches for a real daemon's replies, with zod's output", () => {
    expect(FAST_METHODS).toEqual(expect.arrayContaining(['hello', 'list', 'stats', 'start', 'stop']));
    for (const method of ['list', 'stats', 'start', 'stop'] as const) {
      const checked = compiled.compiledResults[method]?.(replies[method]);
      expect(checked, method).toBeDefined();
      sameAs(checked?.value, zodOutput(method, replies[method]));
    }
    const hello = compiled.compiledResponse(replies.hello);
    expect(hello).toBeDefined();
    sameAs(
      compiled.compiledResults.hello?.((replies.hello as { result: unknown }).result)?.value,
      zodOutput('hello', (replies.hello as { result: unknown }).result),
    );
  });

  it("fills an older daemon's missing defaults and puts keys in zod's order", () => {
    const list = structuredClone(replies.list) as { services: Record<string, unknown>[] };
    const [first] = list.services;
    if (!first) throw new Error('no service listed');
    delete first.port;
    delete first.route;
    delete first.dependsOn;
    list.services[0] = Object.fromEntries(Object.entries(first).reverse());
    sameAs(compiled.compiledResults.list?.(list)?.value, zodOutput('list', list));
  });

  it('gives up on what zod would refuse, so zod answers it', () => {
    const list = structuredClone(replies.list) as { services: Record<string, unknown>[] };
    const wrong = [
      { services: [{ ...list.services[0], name: 7 }] },
      { services: [{ ...list.services[0], env: JSON.parse('{"__proto__": "x"}') }] },
      { services: [{ ...list.services[0], health: { ...(list.services[0]?.health as object), passive: { surprise: true } } }] },
      { services: [{ ...list.services[0], restarts: 1.5 }] },
      { services: [{ ...list.services[0], status: 'asleep' }] },
    ];
    for (const value of wrong) expect(compiled.compiledResults.list?.(value), JSON.stringify(value).slice(0, 80)).toBeUndefined();
  });

  it('never vouches for a value zod refuses, nor differs from zod on one it accepts (random changes to a real reply)', () => {
    fc.assert(
      fc.property(fc.constantFrom('list', 'stats', 'start'), fc.array(change, { maxLength: 3 }), (method, changes) => {
        const value = structuredClone(replies[method as 'list']);
        for (const { path, value: replacement } of changes) mutate(value, path, replacement);
        const checked = compiled.compiledResults[method]?.(value);
        const zod = methods[method as 'list'].result.safeParse(value);
        if (checked !== undefined) {
          expect(zod.success).toBe(true);
          sameAs(checked.value, zod.data);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('the fast path and the full program give the same output, errors and exit codes', () => {
  const home = makeHome();

  beforeAll(async () => {
    ensureBuilt();
    await herve(home, ['up', '--port', '0']);
    await herve(home, ['register', 'command', '--name', 'idle', '--health', 'none', '--', 'sleep', '3600']);
  }, 90_000);

  afterAll(async () => {
    await stopAndProve(home);
    rmSync(home, { recursive: true, force: true });
  });

  it('ls, ls --json, start and stop (with --json and --no-wait), logs, and an unknown service', async () => {
    // Pids, ports, times and figures differ from run to run, and with them the columns' widths.
    const steady = (text: string) => text.replace(/\d+(\.\d+)?/g, 'N').replace(/ +/g, ' ');
    /** The state each command starts from, the same for both runs. */
    const from = async (state: 'running' | 'stopped') => {
      await herve(home, [state === 'running' ? 'start' : 'stop', 'idle']);
    };
    for (const [args, state] of [
      [['ls'], 'running'],
      [['status', '--json'], 'running'],
      [['stop', 'idle', '--json'], 'running'],
      [['stop', 'idle'], 'running'],
      [['start', 'idle', '--no-wait'], 'stopped'],
      [['start', 'idle', '--json'], 'stopped'],
      [['start', 'nope'], 'running'],
      [['stop', 'nope', '--json'], 'running'],
      [['logs', 'idle', '-n', '3'], 'running'],
      [['logs', '--json', '--lines', '2', 'idle'], 'running'],
      [['logs', 'nope'], 'running'],
    ] as const) {
      await from(state);
      const fast = await herve(home, [...args]);
      await from(state);
      const full = await fullProgram(home, [...args]);
      const label = args.join(' ');
      expect(fastInvocation(args), label).not.toBeNull();
      expect(fast.exitCode, label).toBe(full.exitCode);
      expect(steady(fast.stdout), label).toBe(steady(full.stdout));
      expect(steady(fast.stderr), label).toBe(steady(full.stderr));
    }
  }, 120_000);

  it('a reply the compiled checks cannot vouch for gets zod’s verdict, in zod’s words', async () => {
    const brokenHome = makeHome();
    const server = createServer((socket) => {
      socket.on('data', (data) => {
        const ids = data
          .toString()
          .trim()
          .split('\n')
          .map((line) => (JSON.parse(line) as { id: number }).id);
        for (const id of ids) socket.write(`${JSON.stringify({ id, ok: true, result: { version: PROTOCOL_VERSION, pid: 'one' } })}\n`);
      });
    });
    await new Promise<void>((listening) => server.listen(join(brokenHome, 'herve.sock'), listening));
    try {
      const fast = await herve(brokenHome, ['ls']);
      const full = await fullProgram(brokenHome, ['ls']);
      expect(fast.exitCode).toBe(70);
      expect(fast.stderr).toContain('daemon sent a malformed hello result: pid:');
      expect(fast.stderr).toBe(full.stderr);
    } finally {
      server.close();
      rmSync(brokenHome, { recursive: true, force: true });
    }
  });
});
