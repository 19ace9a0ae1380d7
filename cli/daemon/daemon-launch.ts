import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import type { HervePaths, Result } from '../../protocol/index.js';
import { DaemonNotRunningError, UserError } from '../client/index.js';
import { connectDaemon } from './connect.js';
import { packagePath } from '../../platform/package-root.js';
import { isHerveDaemon, isProcessRunning, readPid } from '../../platform/proc.js';
import { sleep } from './processes.js';

export type DaemonHello = Result<'hello'>;

const START_TIMEOUT_MS = 10_000;
const LOG_TAIL_LINES = 20;

/** The daemon, bundled after tsc by scripts/bundle-daemon.mjs: dist/daemon/main.js in the package. */
export function daemonEntry(): string {
  return packagePath('dist/daemon/main.js');
}

/**
 * Node's flags for the daemon, given before its entry. V8 sizes the young generation when the
 * heap is set up and may grow it while it parses the daemon's modules, before any code of the
 * daemon runs; capped from the start, it cannot. Why this one and no other: README, Performance.
 */
export const DAEMON_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

/** The node arguments that start the daemon: its flags, its entry, then its own arguments. */
function daemonCommandLine(entry: string, settings: DaemonSettings): string[] {
  return [...DAEMON_NODE_FLAGS, entry, ...daemonArgs(settings)];
}

/** What `herve up` passes on to the daemon it starts. */
export interface DaemonSettings {
  port?: number;
  /** Validated by AllowedHost. */
  allowHosts?: readonly string[];
  /** The Redis bus (validated by BusUrl); handed over in HERVE_BUS, never as an argument `ps` shows. */
  bus?: string;
  /** Serve HTTPS too, on `port` (the daemon's default when absent). */
  https?: { port?: number };
  /** Front-door processes (validated by FrontDoorWorkers); the daemon alone when absent. */
  workers?: number;
}

export function daemonArgs(settings: DaemonSettings): string[] {
  const port = settings.port === undefined ? [] : ['--port', String(settings.port)];
  const https = settings.https === undefined ? [] : settings.https.port === undefined ? ['--https'] : ['--https-port', String(settings.https.port)];
  const workers = settings.workers === undefined || settings.workers === 1 ? [] : ['--workers', String(settings.workers)];
  return [...port, ...(settings.allowHosts ?? []).flatMap((host) => ['--allow-host', host]), ...https, ...workers];
}

function daemonEnv(paths: HervePaths, settings: DaemonSettings): NodeJS.ProcessEnv {
  return { ...process.env, HERVE_HOME: paths.home, ...(settings.bus === undefined ? {} : { HERVE_BUS: settings.bus }) };
}

/** The daemon's hello, or null when nothing answers on the socket. */
export async function probeDaemon(paths: HervePaths): Promise<DaemonHello | null> {
  try {
    const client = await connectDaemon(paths);
    client.close();
    return client.hello;
  } catch (error) {
    if (error instanceof DaemonNotRunningError) return null;
    throw error;
  }
}

function ensureEntryBuilt(): string {
  const entry = daemonEntry();
  if (!existsSync(entry)) {
    throw new UserError(`the herve daemon is not built (${entry} is missing)`, 'build it with: npm run build');
  }
  return entry;
}

/** Start the daemon in the background, its output appended to daemon.log. */
export function spawnDetachedDaemon(paths: HervePaths, settings: DaemonSettings): { child: ChildProcess; logOffset: number } {
  const entry = ensureEntryBuilt();
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  const logOffset = existsSync(paths.daemonLog) ? statSync(paths.daemonLog).size : 0;
  const logFd = openSync(paths.daemonLog, 'a', 0o600);
  try {
    const child = spawn(process.execPath, daemonCommandLine(entry, settings), {
      detached: true,
      // A daemon that outlives this shell must not pin the directory herve up was run from.
      cwd: paths.home,
      stdio: ['ignore', logFd, logFd],
      env: daemonEnv(paths, settings),
    });
    child.unref();
    return { child, logOffset };
  } finally {
    closeSync(logFd);
  }
}

/**
 * Run the daemon attached to this terminal; resolves with its exit code.
 * It gets its own process group so a Ctrl-C reaches it once, forwarded by us, rather than
 * twice (terminal + forward) — a second SIGINT means "exit without waiting for services".
 */
export function runForegroundDaemon(paths: HervePaths, settings: DaemonSettings): Promise<number> {
  const entry = ensureEntryBuilt();
  mkdirSync(paths.home, { recursive: true, mode: 0o700 });
  // stdin stays with us: a background process group reading the terminal would be stopped (SIGTTIN).
  const child = spawn(process.execPath, daemonCommandLine(entry, settings), {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: daemonEnv(paths, settings),
  });
  const forwarded: [NodeJS.Signals, NodeJS.Signals][] = [
    ['SIGINT', 'SIGINT'],
    ['SIGTERM', 'SIGTERM'],
    // The terminal closing must stop the daemon too, not orphan it.
    ['SIGHUP', 'SIGTERM'],
  ];
  const handlers = forwarded.map(([received, sent]) => [received, () => child.kill(sent)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const [received, handler] of handlers) process.off(received, handler);
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}

/**
 * Wait for a daemon to answer hello: the one just spawned, or one a concurrent `herve up` started.
 * On failure, explain with the end of daemon.log.
 */
export async function awaitDaemonReady(
  paths: HervePaths,
  launch: { child: ChildProcess; logOffset: number },
  timeoutMs = START_TIMEOUT_MS,
): Promise<DaemonHello> {
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  launch.child.once('exit', (code, signal) => {
    exit = { code, signal };
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const hello = await probeDaemon(paths);
    if (hello) return hello;
    // Another `herve up` may have won the start lock a moment earlier: then its daemon answers, in time.
    if (exit && !anotherDaemonStarting(paths, launch.child.pid)) {
      const winner = await probeDaemon(paths);
      if (winner) return winner;
      throw startFailure(paths, launch.logOffset, `exited (${describeExit(exit)}) before it answered`);
    }
    await sleep(50);
  }
  launch.child.kill('SIGTERM');
  throw startFailure(paths, launch.logOffset, `did not answer within ${timeoutMs / 1000} s (stopped it)`);
}

/** Whether the start lock is held by a live herve daemon other than the one this command spawned. */
function anotherDaemonStarting(paths: HervePaths, spawned: number | undefined): boolean {
  const holder = readPid(paths.lockFile);
  return holder !== null && holder !== spawned && isProcessRunning(holder) && isHerveDaemon(holder);
}

function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

function startFailure(paths: HervePaths, logOffset: number, what: string): UserError {
  const tail = readLogTail(paths.daemonLog, logOffset, LOG_TAIL_LINES);
  const details = tail.length > 0 ? `\n--- last lines of ${paths.daemonLog} ---\n${tail.join('\n')}` : '';
  return new UserError(`herve daemon ${what}${details}`, `see the whole log: ${paths.daemonLog}`);
}

/** The last lines written to a file since `fromOffset` (at most 64 KiB read). */
export function readLogTail(path: string, fromOffset: number, lines: number): string[] {
  if (!existsSync(path)) return [];
  const size = statSync(path).size;
  const start = Math.max(fromOffset, size - 64 * 1024);
  if (size <= start) return [];
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  return buffer
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .slice(-lines);
}
