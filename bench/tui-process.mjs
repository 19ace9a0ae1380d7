// @ts-check
// Part 2 of the TUI benchmark: the real `herve tui` in tmux against a real daemon with 10 services,
// idle and while one service prints 5,000 lines/s; CPU from /proc for the TUI and the daemon.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SocketDaemonClient } from '../dist/cli/client/index.js';
import { hervePaths } from '../dist/protocol/index.js';
import { cpuSeconds, median, rssMegabytes, sleep, waitUntil } from './lib.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const SERVICES = 10;
const WINDOW_SECONDS = Number(process.env.BENCH_WINDOW_SECONDS ?? 10);
// 500 lines every 100 ms; no HTTP, so the service has no health probe.
const FLOOD = "let n=0;setInterval(()=>{let s='';for(let i=0;i<500;i++)s+='flood line '+(n++)+'\\n';process.stdout.write(s)},100)";

/** @param {string} home */
function terminalEnv(home) {
  const { CI: _ci, CONTINUOUS_INTEGRATION: _ci2, ...rest } = process.env;
  return { ...rest, HERVE_HOME: home, TERM: 'xterm-256color' };
}

/** @param {string} home */
async function startDaemon(home) {
  const daemon = spawn(process.execPath, [join(root, 'dist/daemon/main.js'), '--port', '0'], {
    env: { ...process.env, HERVE_HOME: home },
    stdio: 'ignore',
  });
  const socket = hervePaths({ HERVE_HOME: home }).socket;
  /** @type {SocketDaemonClient | null} */
  let client = null;
  await waitUntil(
    async () => {
      client = await SocketDaemonClient.connect(socket, 'herve-bench').catch(() => null);
      return client !== null;
    },
    15_000,
    'the daemon to answer',
  );
  if (client === null || daemon.pid === undefined) throw new Error('the daemon did not start');
  return { daemon, daemonPid: daemon.pid, client: /** @type {SocketDaemonClient} */ (client) };
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
 * CPU % of each pid over one window, and the RSS of `rssPid` sampled every 250 ms through it:
 * a single reading swings by ±10 MB with where the GC happens to be, the median does not.
 * @param {number[]} pids
 * @param {number} seconds
 * @param {number} rssPid
 * @returns {Promise<{ cpu: number[]; rss: { median: number; max: number } }>}
 */
async function measureWindow(pids, seconds, rssPid) {
  const before = pids.map(cpuSeconds);
  /** @type {number[]} */
  const samples = [];
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    samples.push(rssMegabytes(rssPid));
    await sleep(250);
  }
  const cpu = pids.map((pid, i) => ((cpuSeconds(pid) - (before[i] ?? 0)) / seconds) * 100);
  return { cpu, rss: { median: median(samples), max: Math.max(...samples) } };
}

/** @typedef {(...args: string[]) => string} Tmux */

/**
 * The pid of the process tmux runs in the pane (the command is exec'd, so it is node itself).
 * @param {Tmux} tmux
 */
function panePid(tmux) {
  return Number(tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}').trim());
}

/** The pane runs `sh -c '<tui>; sleep'` (so a crash stays readable); the dashboard is its node child. */
/** @param {Tmux} tmux */
async function dashboardPid(tmux) {
  const shell = panePid(tmux);
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
 * `cli`: another build's dist/cli/main.cjs, to compare two builds in the same run.
 * @param {string[]} [nodeFlags]
 * @param {string} [cli]
 */
export async function processBenchmark(nodeFlags = [], cli = join(root, 'dist/cli/main.cjs')) {
  const home = mkdtempSync('/tmp/hv-bench-');
  const tmuxDir = mkdtempSync('/tmp/hv-tmux-');
  /** @type {Tmux} */
  const tmux = (...args) => {
    const result = spawnSync('tmux', ['-S', join(tmuxDir, 'sock'), ...args], { encoding: 'utf8', env: terminalEnv(home) });
    if (result.status !== 0) throw new Error(`tmux ${args[0]}: ${result.stderr}`);
    return result.stdout;
  };
  const { daemon, daemonPid, client } = await startDaemon(home);
  const figures = {
    daemonIdleAlone: Number.NaN,
    tuiIdle: Number.NaN,
    daemonIdleWithTui: Number.NaN,
    tuiIdleRss: Number.NaN,
    tuiIdleRssMax: Number.NaN,
    tuiFlood: Number.NaN,
    daemonFloodWithTui: Number.NaN,
    tuiFloodRss: Number.NaN,
    tuiFloodRssMax: Number.NaN,
    daemonFloodAlone: Number.NaN,
    tuiScreen: '',
  };
  try {
    for (let i = 1; i <= SERVICES; i++) await client.call('register', { type: 'echo', name: `svc-${String(i).padStart(2, '0')}` });
    await allRunning(client, SERVICES);
    await sleep(2000);
    [figures.daemonIdleAlone = Number.NaN] = (await measureWindow([daemonPid], WINDOW_SECONDS, daemonPid)).cpu;

    tmux(
      'new-session',
      '-d',
      '-s',
      'bench',
      '-x',
      '160',
      '-y',
      '45',
      `${[process.execPath, ...nodeFlags, cli].join(' ')} tui 2>${join(tmuxDir, 'tui.err')}; sleep 60`,
    );
    const tui = await dashboardPid(tmux);
    await waitUntil(() => tmux('capture-pane', '-p', '-t', 'bench').includes('● connected'), 15_000, 'the dashboard to connect').catch((error) => {
      throw new Error(
        `${/** @type {Error} */ (error).message}\n${tmux('capture-pane', '-p', '-t', 'bench')}\n${readFileSync(join(tmuxDir, 'tui.err'), 'utf8')}`,
      );
    });
    await sleep(3000);
    const idle = await measureWindow([tui, daemonPid], WINDOW_SECONDS, tui);
    [figures.tuiIdle = Number.NaN, figures.daemonIdleWithTui = Number.NaN] = idle.cpu;
    figures.tuiIdleRss = idle.rss.median;
    figures.tuiIdleRssMax = idle.rss.max;

    // Named to sort first: the dashboard selects it and its log pane follows the flood.
    await client.call('register', { type: 'command', name: 'aaa-flood', command: process.execPath, args: ['-e', FLOOD], health: { path: null } });
    await allRunning(client, SERVICES + 1);
    await waitUntil(() => tmux('capture-pane', '-p', '-t', 'bench').includes('flood line'), 15_000, 'the flood in the log pane');
    await sleep(2000);
    const flood = await measureWindow([tui, daemonPid], WINDOW_SECONDS, tui);
    [figures.tuiFlood = Number.NaN, figures.daemonFloodWithTui = Number.NaN] = flood.cpu;
    figures.tuiFloodRss = flood.rss.median;
    figures.tuiFloodRssMax = flood.rss.max;
    figures.tuiScreen = tmux('capture-pane', '-p', '-t', 'bench');

    tmux('send-keys', '-t', 'bench', 'q');
    await waitUntil(() => spawnSync('kill', ['-0', String(tui)]).status !== 0, 10_000, 'the dashboard to quit');
    await sleep(1000);
    [figures.daemonFloodAlone = Number.NaN] = (await measureWindow([daemonPid], WINDOW_SECONDS, daemonPid)).cpu;
  } finally {
    spawnSync('tmux', ['-S', join(tmuxDir, 'sock'), 'kill-server'], { stdio: 'ignore' });
    await client.call('shutdown').catch(() => undefined);
    client.close();
    await waitUntil(() => daemon.exitCode !== null || daemon.signalCode !== null, 20_000, 'the daemon to exit').catch(() => daemon.kill('SIGKILL'));
    rmSync(tmuxDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
  return figures;
}
