/**
 * A real Herve daemon for integration tests.
 *
 * It runs the COMPILED daemon (dist/daemon/main.js): build first with `npx tsc -p .`
 * (`npm test` builds before running vitest). Each daemon gets a fresh, short HERVE_HOME
 * from mkdtempSync('/tmp/hv-') (Unix socket paths cap at 107 bytes) and `--port 0`.
 *
 *   const daemon = await startDaemon();
 *   await daemon.client.call('register', { type: 'echo' });
 *   await daemon.stop();            // shutdown over the socket, waits for the exit, SIGKILL fallback
 *
 * Every test must end with its daemon stopped (or killed) and its services' pids gone:
 * use `assertProcessGone(pid)` on the pids it saw.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { SocketDaemonClient } from '../../cli/client/index.js';
import { hervePaths, type HervePaths, type RegisterInput, type ServiceInfo } from '../../protocol/index.js';
import { isProcessAlive } from '../../platform/proc.js';
import { waitFor } from './poll.js';

export { holdsFor, waitFor, type WaitOptions } from './poll.js';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DAEMON_ENTRY = join(PROJECT_ROOT, 'dist', 'daemon', 'main.js');

export interface StartDaemonOptions {
  /** Reuse a HERVE_HOME (e.g. to restart after kill9); default: a fresh temp dir. */
  home?: string;
  /** Extra environment for the daemon (and so its services). */
  env?: NodeJS.ProcessEnv;
  /** Default ['--port', '0']. */
  args?: string[];
  /** How long to wait for the socket to answer hello (default 45 s: a loaded machine starts node slowly). */
  timeoutMs?: number;
}

export interface TestDaemon {
  home: string;
  paths: HervePaths;
  pid: number;
  proxyPort: number | null;
  /** The HTTPS port of a daemon started with --https / --https-port. */
  httpsPort: number | null;
  /** Connected (hello done) to this daemon. Closed by stop()/kill9(). */
  client: SocketDaemonClient;
  /** Another connection; closed by stop()/kill9() too. */
  connect(): Promise<SocketDaemonClient>;
  /** What the daemon printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** `shutdown` over the socket, wait for the exit; SIGKILL if it does not exit in time. Returns the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL the daemon (not its services) and wait for it to be gone. */
  kill9(): Promise<void>;
  /** Delete HERVE_HOME (after stop/kill9, when no later daemon reuses it). */
  removeHome(): void;
  readonly exited: boolean;
}

/** True when a process with this pid exists. */
export const isAlive = isProcessAlive;

/**
 * Wait until `pid` is gone: process.kill(pid, 0) throws. Orphans (reparented to init) may stay
 * zombies a moment until init reaps them, hence the wait.
 */
export async function assertProcessGone(pid: number, timeoutMs = 15_000): Promise<void> {
  await waitFor(() => !isAlive(pid), { timeoutMs, message: `process ${pid} still alive` });
}

/** Every daemon started and not yet cleaned up by cleanUpAfterEach. */
const startedDaemons: TestDaemon[] = [];

export async function startDaemon(options: StartDaemonOptions = {}): Promise<TestDaemon> {
  if (!existsSync(DAEMON_ENTRY)) throw new Error(`${DAEMON_ENTRY} is missing — build first: npx tsc -p .`);
  const home = options.home ?? mkdtempSync('/tmp/hv-');
  const paths = hervePaths({ HERVE_HOME: home });
  const child = spawn(process.execPath, [DAEMON_ENTRY, ...(options.args ?? ['--port', '0'])], {
    env: { ...process.env, ...options.env, HERVE_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      exitCode = code;
      done(code);
    }),
  );

  const clients: SocketDaemonClient[] = [];
  const connect = async () => {
    const client = await SocketDaemonClient.connect(paths.socket, 'herve-test');
    clients.push(client);
    return client;
  };
  const closed = new Promise<void>((done) => child.once('close', () => done()));
  let client: SocketDaemonClient;
  try {
    // A daemon that exits stops the wait at once (a refused start is not a slow one).
    const answer = await waitFor(async () => (exitCode !== undefined ? 'exited' : connect()), {
      timeoutMs: options.timeoutMs ?? 45_000,
      message: 'daemon did not answer hello',
    });
    if (answer === 'exited') {
      await closed;
      throw new Error(`daemon exited with code ${exitCode}:\n${output}`);
    }
    client = answer;
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\ndaemon output:\n${output}`);
  }
  const { hello } = client;
  const closeClients = () =>
    clients.forEach((each) => {
      each.close();
    });

  const daemon: TestDaemon = {
    home,
    paths,
    pid: child.pid!,
    proxyPort: hello.proxyPort,
    httpsPort: hello.httpsPort,
    client,
    connect,
    output: () => output,
    get exited() {
      return exitCode !== undefined;
    },
    async stop(timeoutMs = 20_000) {
      if (exitCode !== undefined) return exitCode;
      await client.call('shutdown').catch(() => undefined);
      const code = await Promise.race([exited, sleep(timeoutMs).then(() => 'timeout' as const)]);
      closeClients();
      if (code !== 'timeout') return code;
      child.kill('SIGKILL');
      await exited;
      throw new Error(`daemon did not exit within ${timeoutMs} ms of shutdown; killed it.\n${output}`);
    },
    removeHome() {
      rmSync(home, { recursive: true, force: true });
    },
    async kill9() {
      closeClients();
      if (exitCode === undefined) child.kill('SIGKILL');
      await exited;
    },
  };
  startedDaemons.push(daemon);
  return daemon;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms).unref());
}

/**
 * After each test: stop every daemon startDaemon started during it, delete their homes,
 * and prove every pid in `pids` gone.
 */
export function cleanUpAfterEach(pids: Set<number>): void {
  afterEach(async () => {
    for (const daemon of startedDaemons.splice(0)) {
      await daemon.stop();
      daemon.removeHome();
    }
    for (const pid of pids) await assertProcessGone(pid);
    pids.clear();
  });
}

/** Registers `spec` and waits until every instance is ready; their pids go into `pids` for the cleanup proof. */
export async function registerReady(daemon: TestDaemon, spec: RegisterInput, pids: Set<number>): Promise<ServiceInfo> {
  const info = await daemon.client.call('register', spec);
  const running = await waitFor(
    async () => {
      const current = await daemon.client.call('get', { service: info.name });
      return current.instances.every((instance) => instance.ready) ? current : null;
    },
    { timeoutMs: 20_000, message: `${info.name} ready` },
  );
  for (const instance of running.instances) if (instance.pid) pids.add(instance.pid);
  return running;
}
