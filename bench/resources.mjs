// @ts-check
// `npm run bench -- resources`: the daemon's RSS and open fds under the loads that used to grow them:
// 1,000 register/unregister cycles, 20,000 half-open connections to the front door, and 50
// subscribers that never read during a 300k-line log flood. Counts are meaningful; RSS swings
// by about 10 MB between single readings on this shared machine.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, protocolVersion, rssMegabytes, sleep, socketClient, waitUntil } from './lib.mjs';
import { DAEMON_NODE_FLAGS } from '../dist/cli/daemon/daemon-launch.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CYCLES = Number(process.env.BENCH_CYCLES ?? 1000);
const HALF_OPEN = Number(process.env.BENCH_HALF_OPEN ?? 20_000);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 50);
const FLOOD_LINES = Number(process.env.BENCH_FLOOD_LINES ?? 300_000);

const fds = (/** @type {number} */ pid) => readdirSync(`/proc/${pid}/fd`).length;
const mb = (/** @type {number | undefined} */ value) => (value === undefined ? '–' : `${value.toFixed(1)} MB`);

async function startDaemon() {
  const home = mkdtempSync('/tmp/hv-bench-');
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, join(root, 'dist/daemon/main.js'), '--port', '0'], {
    env: { ...process.env, HERVE_HOME: home },
    stdio: 'ignore',
  });
  /** @type {any} */
  let client;
  await waitUntil(async () => (client = await socketClient(join(home, 'herve.sock')).catch(() => undefined)), 20_000, 'the daemon');
  const { proxyPort } = await client.call('hello', { version: await protocolVersion() });
  return {
    pid: /** @type {number} */ (child.pid),
    home,
    proxyPort,
    client,
    async stop() {
      await client.call('shutdown').catch(() => undefined);
      await new Promise((resolve) => (child.exitCode !== null ? resolve(undefined) : child.once('exit', resolve)));
      client.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** @typedef {Awaited<ReturnType<typeof startDaemon>>} BenchDaemon */

/**
 * Samples RSS and fds of `pid` while `work` runs; returns the peaks.
 * @param {number} pid
 * @param {() => Promise<string>} work
 */
async function peaksDuring(pid, work) {
  let peakRss = rssMegabytes(pid);
  let peakFds = fds(pid);
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, rssMegabytes(pid));
    peakFds = Math.max(peakFds, fds(pid));
  }, 50);
  try {
    const result = await work();
    return { peakRss, peakFds, result };
  } finally {
    clearInterval(timer);
  }
}

/**
 * @param {string} name
 * @param {(daemon: BenchDaemon) => Promise<string>} scenario
 */
async function measure(name, scenario) {
  const daemon = await startDaemon();
  try {
    await sleep(1000);
    const before = { rss: rssMegabytes(daemon.pid), fds: fds(daemon.pid) };
    const { peakRss, peakFds, result } = await peaksDuring(daemon.pid, () => scenario(daemon));
    await sleep(1000);
    const after = { rss: rssMegabytes(daemon.pid), fds: fds(daemon.pid) };
    return [name, mb(before.rss), mb(peakRss), mb(after.rss), before.fds, peakFds, after.fds, result ?? ''];
  } finally {
    await daemon.stop();
  }
}

/** @param {BenchDaemon} daemon */
async function cycles(daemon) {
  for (let i = 0; i < CYCLES; i++) {
    await daemon.client.call('register', { type: 'echo', name: `cycle-${i}`, start: false });
    await daemon.client.call('unregister', { service: `cycle-${i}` });
  }
  return `${CYCLES} cycles`;
}

/** @param {BenchDaemon} daemon */
async function halfOpen(daemon) {
  /** @type {import('node:net').Socket[]} */
  const sockets = [];
  let refused = 0;
  const open = (/** @type {string} */ host) =>
    new Promise((resolve) => {
      const socket = connect({ host, port: daemon.proxyPort }, () => socket.write('GET / HT'));
      socket.on('data', (chunk) => chunk.toString().startsWith('HTTP/1.1 503') && refused++);
      socket.on('error', () => undefined);
      socket.once('connect', resolve);
      socket.once('error', resolve);
      sockets.push(socket);
    });
  for (let i = 0; i < HALF_OPEN; i += 500) {
    await Promise.all(Array.from({ length: Math.min(500, HALF_OPEN - i) }, (_, j) => open((i + j) % 2 === 0 ? '127.0.0.1' : '::1')));
  }
  const began = performance.now();
  await daemon.client.call('list');
  const lsMs = performance.now() - began;
  const closedBy = Date.now();
  await waitUntil(() => sockets.every((socket) => socket.destroyed || socket.readyState === 'closed' || socket.closed), 60_000, 'half-open connections cut');
  const cutAfter = ((Date.now() - closedBy) / 1000).toFixed(1);
  for (const socket of sockets) socket.destroy();
  return `${HALF_OPEN} attempted, ${refused} refused (503), list answered in ${lsMs.toFixed(0)} ms while full, rest cut within ${cutAfter} s more`;
}

/**
 * @param {BenchDaemon} daemon
 * @param {number} [count]
 */
async function silentSubscribers(daemon, count = SUBSCRIBERS) {
  /** @type {import('node:net').Socket[]} */
  const sockets = [];
  const version = await protocolVersion();
  for (let i = 0; i < count; i++) {
    const socket = createConnection(join(daemon.home, 'herve.sock'));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`{"id":1,"method":"hello","params":{"version":${version}}}\n{"id":2,"method":"subscribe","params":{"topics":["logs"]}}\n`);
    socket.pause();
    socket.on('error', () => undefined);
    sockets.push(socket);
  }
  await daemon.client.call('register', {
    type: 'command',
    name: 'flood',
    command: process.execPath,
    args: [join(root, 'test/fixtures/flood.mjs')],
    env: { FLOOD_LINES: String(FLOOD_LINES) },
  });
  await waitUntil(
    async () => (await daemon.client.call('logs', { service: 'flood', lines: 1, grep: '^flood done$' })).lines.length === 1,
    120_000,
    'the flood',
  );
  const { lines } = await daemon.client.call('logs', { service: 'flood', lines: 1, grep: '^line \\d+$' });
  for (const socket of sockets) socket.destroy();
  return `${count} silent subscribers, ${FLOOD_LINES} lines, last line on disk "${lines[0]?.line}"`;
}

/** @type {(string | number)[][]} */
const rows = [['scenario', 'RSS before', 'RSS peak', 'RSS after', 'fds before', 'fds peak', 'fds after', 'notes']];
// BENCH_ONLY=cycles,half-open,subscribers,flood picks scenarios; `flood` is the same flood with no subscriber, for reference.
const only = new Set((process.env.BENCH_ONLY ?? 'cycles,half-open,subscribers,flood').split(','));
if (only.has('cycles')) rows.push(await measure('register/unregister', cycles));
if (only.has('half-open')) rows.push(await measure('half-open connections', halfOpen));
if (only.has('subscribers')) rows.push(await measure('silent subscribers, flood', silentSubscribers));
if (only.has('flood')) rows.push(await measure('flood, no subscriber', (/** @type {BenchDaemon} */ daemon) => silentSubscribers(daemon, 0)));
printTable(rows);
