import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../protocol/index.js';
import { ensureBuilt, herve, makeHome } from './harness.js';

const OTHER_VERSION = PROTOCOL_VERSION + 1;

interface Request {
  id: number;
  method: string;
}

type Answer = (request: Request) => object;

/**
 * A daemon of another protocol version on `home`'s socket: it records every request and answers
 * each line it reads in reverse order, so that what `ls` sends with hello is answered before hello.
 */
async function otherVersionDaemon(home: string, answer: Answer): Promise<{ server: Server; methods: string[] }> {
  const methods: string[] = [];
  const server = createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const requests = lines.map((line) => JSON.parse(line) as Request);
      methods.push(...requests.map((request) => request.method));
      socket.write(
        requests
          .reverse()
          .map((request) => `${JSON.stringify({ id: request.id, ...answer(request) })}\n`)
          .join(''),
      );
    });
  });
  await new Promise<void>((listening) => server.listen(join(home, 'herve.sock'), listening));
  return { server, methods };
}

/** What a daemon that checks the version says to a hello of this one, and answers to the rest. */
const refusesHello: Answer = ({ method }) =>
  method === 'hello'
    ? {
        ok: false,
        error: {
          code: 'version_mismatch',
          message: `this daemon speaks protocol v${OTHER_VERSION}, the client v${PROTOCOL_VERSION}`,
          hint: 'use the herve that started the daemon, or restart it: herve down && herve up',
        },
      }
    : { ok: true, result: method === 'list' ? { services: [] } : {} };

/** An older daemon that answers hello with its own version and lets the client judge. */
const greetsWithItsVersion: Answer = ({ method }) =>
  method === 'hello'
    ? { ok: true, result: { version: OTHER_VERSION, pid: 1, startedAt: 0, home: '/nowhere', socket: '/nowhere/herve.sock', proxyPort: null } }
    : { ok: false, error: { code: 'bad_request', message: `unknown method ${method}` } };

const READS = new Set(['list', 'stats', 'logs']);

/** hello first, and nothing but reads behind it: nothing acted on a daemon that hello refused. */
function expectOnlyReadsBehindHello(methods: string[], label: string): void {
  const [first, ...rest] = methods;
  expect(first, label).toBe('hello');
  expect(
    rest.filter((method) => !READS.has(method)),
    label,
  ).toEqual([]);
}

const COMMANDS = [['ls'], ['status', '--json'], ['start', 'api', '--no-wait'], ['stop', 'api'], ['logs', 'api', '-n', '5']];

describe('a daemon of another protocol version', () => {
  const cleanups: Array<() => void> = [];
  beforeAll(() => ensureBuilt(), 120_000);
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  async function run(answer: Answer, args: string[]) {
    const home = makeHome();
    const daemon = await otherVersionDaemon(home, answer);
    cleanups.push(() => {
      daemon.server.close();
      rmSync(home, { recursive: true, force: true });
    });
    return { result: await herve(home, args), methods: daemon.methods };
  }

  it('is refused in its own words by every command, whatever it answered first; only reads were sent before hello', async () => {
    for (const args of COMMANDS) {
      const { result, methods } = await run(refusesHello, args);
      const label = args.join(' ');
      expect(result.exitCode, label).toBe(1);
      expect(result.stdout, label).toBe('');
      expect(result.stderr, label).toBe(
        `error: this daemon speaks protocol v${OTHER_VERSION}, the client v${PROTOCOL_VERSION}\n  hint: use the herve that started the daemon, or restart it: herve down && herve up`,
      );
      expectOnlyReadsBehindHello(methods, label);
    }
  }, 60_000);

  it("that answers hello with its version is refused by this client's check, before any reply of the reads counts", async () => {
    for (const args of COMMANDS) {
      const { result, methods } = await run(greetsWithItsVersion, args);
      const label = args.join(' ');
      expect(result.exitCode, label).toBe(1);
      expect(result.stderr, label).toBe(
        `error: daemon speaks protocol v${OTHER_VERSION}, this client v${PROTOCOL_VERSION}\n  hint: restart the daemon with this version: herve down && herve up`,
      );
      expectOnlyReadsBehindHello(methods, label);
    }
  }, 60_000);

  it('that never answers hello is reported as unresponsive by ls, which sent its reads with hello', async () => {
    const home = makeHome();
    const methods: string[] = [];
    const server = createServer((socket) => socket.on('data', (chunk) => methods.push(...chunk.toString().trim().split('\n'))));
    await new Promise<void>((listening) => server.listen(join(home, 'herve.sock'), listening));
    cleanups.push(() => {
      server.close();
      rmSync(home, { recursive: true, force: true });
    });
    const result = await herve(home, ['ls']);
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toBe(
      `error: the herve daemon on ${join(home, 'herve.sock')} accepted the connection but did not answer within 5 s\n  hint: see its log (daemon.log in HERVE_HOME); if it is stuck, stop its process and run: herve up`,
    );
    expect(methods.map((line) => (JSON.parse(line) as Request).method)).toEqual(['hello', 'list', 'stats']);
  }, 30_000);
});
