// @ts-check
// Part 2 of the TUI benchmark: real dashboards in tmux (160x45), a fresh process for every reading.
//  - side by side: `herve tui` against a Herve daemon with 10 echo services and `pm2 monit` against a
//    PM2 God daemon with the same 10, in interleaved rounds; RSS sampled through a window once each
//    has settled, CPU over the same window, from /proc;
//  - a log flood: `herve tui` while one more service prints 5,000 lines/s, and the daemon's CPU
//    with and without the dashboard.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SocketDaemonClient } from '../dist/cli/client/index.js';
import { hervePaths } from '../dist/protocol/index.js';
import { cpuSeconds, median, residentMegabytes, sleep, waitUntil } from './lib.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
export const SERVICES = 10;
const COLUMNS = 160;
const ROWS = 45;
/** After its ready marker, before its window: the first frames and the first collections are over. */
export const SETTLE_MS = 3000;
// 500 lines every 100 ms; no HTTP, so the service has no health probe.
const FLOOD = "let n=0;setInterval(()=>{let s='';for(let i=0;i<500;i++)s+='flood line '+(n++)+'\\n';process.stdout.write(s)},100)";

/** @param {string} value quoted for `sh -c` */
const shellQuote = (value) => `'${value.replaceAll("'", "'\\''")}'`;

/** A Herve daemon of this build in a temporary HERVE_HOME, with `count` echo services running. @param {number} count */
export async function herveDaemonWithEcho(count) {
  const home = mkdtempSync('/tmp/hv-bench-');
  const daemon = spawn(process.execPath, [join(root, 'dist/daemon/main.js'), '--port', '0'], {
    env: { ...process.env, HERVE_HOME: home },
    stdio: 'ignore',
  });
  const socket = hervePaths({ HERVE_HOME: home }).socket;
  /** @type {SocketDaemonClient | null} */
  let connected = null;
  const stop = async () => {
    await connected?.call('shutdown').catch(() => undefined);
    connected?.close();
    await waitUntil(() => daemon.exitCode !== null || daemon.signalCode !== null, 20_000, 'the daemon to exit').catch(() => daemon.kill('SIGKILL'));
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      async () => {
        connected = await SocketDaemonClient.connect(socket, 'herve-bench').catch(() => null);
        return connected !== null;
      },
      15_000,
      'the daemon to answer',
    );
    const client = /** @type {SocketDaemonClient} */ (/** @type {unknown} */ (connected));
    for (let i = 1; i <= count; i++) await client.call('register', { type: 'echo', name: `svc-${String(i).padStart(2, '0')}` });
    await allRunning(client, count);
    return { home, pid: /** @type {number} */ (daemon.pid), client, stop };
  } catch (error) {
    daemon.kill('SIGKILL');
    await stop();
    throw error;
  }
}

/**
 * @param {SocketDaemonClient} client
 * @param {number} count
 */
async function allRunning(client, count) {
  await waitUntil(
    async () => {
      const { services } = await client.call('list');
      return services.length === count && services.every((service) => service.status === 'running');
    },
    30_000,
    `${count} services running`,
  );
}

/**
 * CPU % of each pid over one window, and the memory of `rssPid` sampled every 250 ms through it:
 * a single reading swings by ±10 MB with where the GC happens to be, the median does not.
 * @param {number[]} pids
 * @param {number} seconds
 * @param {number} rssPid
 */
export async function measureWindow(pids, seconds, rssPid) {
  const before = pids.map(cpuSeconds);
  /** @type {{ rss: number; anon: number; file: number }[]} */
  const samples = [];
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    samples.push(residentMegabytes(rssPid));
    await sleep(250);
  }
  const cpu = pids.map((pid, i) => ((cpuSeconds(pid) - (before[i] ?? 0)) / seconds) * 100);
  const rss = samples.map((sample) => sample.rss);
  return {
    cpu,
    rss: median(rss),
    rssMax: Math.max(...rss),
    anon: median(samples.map((sample) => sample.anon)),
    file: median(samples.map((sample) => sample.file)),
  };
}

/** @typedef {(...args: string[]) => string} Tmux */

/** A private tmux server; `close()` kills it and every session in it. */
export function tmuxServer() {
  const dir = mkdtempSync('/tmp/hv-tmux-');
  const { CI: _ci, CONTINUOUS_INTEGRATION: _ci2, ...env } = process.env;
  /** @type {Tmux} */
  const tmux = (...args) => {
    const result = spawnSync('tmux', ['-S', join(dir, 'sock'), ...args], { encoding: 'utf8', env: { ...env, TERM: 'xterm-256color' } });
    if (result.status !== 0) throw new Error(`tmux ${args[0]}: ${result.stderr}`);
    return result.stdout;
  };
  const close = () => {
    spawnSync('tmux', ['-S', join(dir, 'sock'), 'kill-server'], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  return { tmux, dir, close };
}

/**
 * The pane runs `sh -c '<dashboard>; sleep'` (so a crash stays readable); the dashboard is its node child.
 * @param {Tmux} tmux
 * @param {string} session
 */
async function dashboardPid(tmux, session) {
  const shell = Number(tmux('display-message', '-p', '-t', session, '#{pane_pid}').trim());
  let pid = 0;
  await waitUntil(
    () => {
      const children = readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
      pid = Number(children.find((child) => readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'node') ?? 0);
      return pid > 0;
    },
    5000,
    'the dashboard process',
  );
  return pid;
}

/**
 * @typedef {object} Dashboard
 * @property {string} label
 * @property {string[]} argv the node command line
 * @property {Record<string, string>} env added to the pane's command
 * @property {(screen: string) => boolean} ready
 * @property {() => number} daemonPid
 */

/**
 * One dashboard started fresh in its own tmux session, waited for, measured, quit with `q`.
 * @param {ReturnType<typeof tmuxServer>} server
 * @param {Dashboard} dashboard
 * @param {number} seconds
 * @param {(tmux: Tmux, session: string, pid: number) => Promise<void>} [during] run after it settles, before its window
 */
export async function measureDashboard(server, dashboard, seconds, during) {
  const { tmux, dir } = server;
  const session = `d${Date.now()}`;
  const stderr = join(dir, `${session}.err`);
  const assignments = Object.entries(dashboard.env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  const command = [...assignments, ...dashboard.argv.map(shellQuote)].join(' ');
  tmux('new-session', '-d', '-s', session, '-x', String(COLUMNS), '-y', String(ROWS), `${command} 2>${stderr}; sleep 60`);
  try {
    const pid = await dashboardPid(tmux, session);
    const screen = () => tmux('capture-pane', '-p', '-t', session);
    await waitUntil(() => dashboard.ready(screen()), 15_000, `${dashboard.label} to be ready`).catch((error) => {
      throw new Error(`${/** @type {Error} */ (error).message}\n${screen()}\n${readFileSync(stderr, 'utf8')}`);
    });
    await sleep(SETTLE_MS);
    await during?.(tmux, session, pid);
    const window = await measureWindow([pid, dashboard.daemonPid()], seconds, pid);
    const finalScreen = screen();
    tmux('send-keys', '-t', session, 'q');
    await waitUntil(() => spawnSync('kill', ['-0', String(pid)]).status !== 0, 10_000, `${dashboard.label} to quit`).catch(() => process.kill(pid, 'SIGKILL'));
    return { ...window, screen: finalScreen };
  } finally {
    spawnSync('tmux', ['-S', join(dir, 'sock'), 'kill-session', '-t', session], { stdio: 'ignore' });
  }
}

/**
 * `herve tui` of the build whose dist/cli/main.cjs is `cli`, run by node with `nodeFlags`.
 * @param {{ home: string; pid: number }} daemon
 * @param {string} label
 * @param {string[]} [nodeFlags]
 * @param {string} [cli]
 * @returns {Dashboard}
 */
export function herveTui(daemon, label, nodeFlags = [], cli = join(root, 'dist/cli/main.cjs')) {
  return {
    label,
    argv: [process.execPath, ...nodeFlags, cli, 'tui'],
    env: { HERVE_HOME: daemon.home },
    ready: (screen) => screen.includes('● connected') && screen.includes(`svc-${String(SERVICES).padStart(2, '0')}`),
    daemonPid: () => daemon.pid,
  };
}

/**
 * `pm2 monit` against the God daemon whose environment (PM2_HOME) is `pm2.env`.
 * @param {{ pid: number; env: NodeJS.ProcessEnv }} pm2
 * @param {string} pm2Bin
 * @returns {Dashboard}
 */
export function pm2Monit(pm2, pm2Bin) {
  return {
    label: 'pm2 monit',
    argv: [process.execPath, pm2Bin, 'monit'],
    env: { PM2_HOME: /** @type {string} */ (pm2.env.PM2_HOME) },
    ready: (screen) => screen.includes(`p${SERVICES - 1} `) && screen.includes('Mem:'),
    daemonPid: () => pm2.pid,
  };
}

/**
 * The daemon alone, `herve tui` while one more service floods its log, then the daemon alone with
 * the flood. Registers the flood service: run it last on that daemon.
 * @param {ReturnType<typeof tmuxServer>} server
 * @param {Awaited<ReturnType<typeof herveDaemonWithEcho>>} daemon
 * @param {number} seconds
 */
export async function floodBenchmark(server, daemon, seconds) {
  const [daemonIdleAlone = Number.NaN] = (await measureWindow([daemon.pid], seconds, daemon.pid)).cpu;
  const startFlood = async (/** @type {Tmux} */ tmux, /** @type {string} */ session) => {
    // Named to sort first: the dashboard selects it and its log pane follows the flood.
    await daemon.client.call('register', { type: 'command', name: 'aaa-flood', command: process.execPath, args: ['-e', FLOOD], health: { path: null } });
    await allRunning(daemon.client, SERVICES + 1);
    await waitUntil(() => tmux('capture-pane', '-p', '-t', session).includes('flood line'), 15_000, 'the flood in the log pane');
    await sleep(2000);
  };
  const flood = await measureDashboard(server, herveTui(daemon, 'herve tui, flood'), seconds, startFlood);
  await sleep(1000);
  const [daemonFloodAlone = Number.NaN] = (await measureWindow([daemon.pid], seconds, daemon.pid)).cpu;
  return { daemonIdleAlone, flood, daemonFloodAlone };
}
