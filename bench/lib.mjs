// @ts-check
// Shared helpers of the benchmark scripts: tools, processes, /proc readings, medians.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConnection, createServer } from 'node:net';
import { parseArgs } from 'node:util';

const benchRoot = dirname(fileURLToPath(import.meta.url));
export const pm2Bin = join(benchRoot, 'pm2/node_modules/pm2/bin/pm2');

/** @param {string} name */
export function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Install Debian packages when missing and we are root; false (with a line saying so) otherwise.
 * @param {string[]} commands
 * @param {string[]} packages
 */
export function ensureDebianTools(commands, packages) {
  const missing = commands.filter((command) => !hasCommand(command));
  if (missing.length === 0) return true;
  if (process.getuid?.() !== 0) {
    console.log(`skipping: ${missing.join(', ')} not installed (apt-get install ${packages.join(' ')})`);
    return false;
  }
  console.log(`installing ${packages.join(', ')} for the benchmark…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let result = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'ignore', env });
  if (result.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    result = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'ignore', env });
  }
  const still = commands.filter((command) => !hasCommand(command));
  if (still.length > 0) console.log(`skipping: could not install ${still.join(', ')}`);
  return still.length === 0;
}

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

const CLOCK_TICKS = 100;

/**
 * CPU seconds (user + system) a process has used so far.
 * @param {number} pid
 */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** @param {number} pid */
export function rssMegabytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** @param {number} pid resident, anonymous and file-backed MB from /proc */
export function residentMegabytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (/** @type {string} */ name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile') };
}

/** Whether an HTTP GET of `path` on 127.0.0.1:`port` answers 200 within half a second. @param {number} port */
export async function answers(port, path = '/health') {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(500) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

/**
 * CPU % of each pid over the same window.
 * @param {number[]} pids
 * @param {number} seconds
 */
export async function cpuPercentOver(pids, seconds) {
  const before = pids.map(cpuSeconds);
  await sleep(seconds * 1000);
  return pids.map((pid, i) => ((cpuSeconds(pid) - (before[i] ?? 0)) / seconds) * 100);
}

/**
 * @param {number} ms
 * @returns {Promise<void>}
 */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @param {number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

/**
 * @param {() => unknown} check
 * @param {number} timeoutMs
 * @param {string} what
 */
export async function waitUntil(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(20);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
export function run(command, args, env) {
  return execFileSync(command, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** @param {unknown[][]} rows */
export function printTable(rows) {
  const widths = (rows[0] ?? []).map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  for (const row of rows) console.log(row.map((cell, column) => String(cell).padEnd(widths[column] ?? 0)).join('  '));
}

/** Resolves the port a child prints as "PORT <n>" on its stdout; rejects if it exits first. */
export function portFrom(child) {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing its port`)));
    child.stdout.on('data', (data) => {
      const match = /PORT (\d+)/.exec(data.toString());
      if (match) resolve(Number(match[1]));
    });
  });
}

/** The daemon's protocol version, from the build (so a bench speaks what the daemon speaks). */
export async function protocolVersion() {
  const { PROTOCOL_VERSION } = await import('../dist/protocol/constants.js');
  return PROTOCOL_VERSION;
}

/**
 * A minimal JSON-lines client for the control socket; `onEvent` receives subscribed events and their line length.
 * @param {string} path
 * @param {(message: any, length: number) => void} [onEvent]
 */
export async function socketClient(path, onEvent = () => undefined) {
  const socket = createConnection(path);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let buffer = '';
  let nextId = 1;
  const waiting = new Map();
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (let newline = buffer.indexOf('\n'); newline !== -1; newline = buffer.indexOf('\n')) {
      const message = JSON.parse(buffer.slice(0, newline));
      if (message.event !== undefined) onEvent(message, newline);
      buffer = buffer.slice(newline + 1);
      waiting.get(message.id)?.(message);
      waiting.delete(message.id);
    }
  });
  const call = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, (message) => (message.ok ? resolve(message.result) : reject(new Error(message.error.message))));
      socket.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  await call('hello', { version: await protocolVersion(), client: 'bench' });
  return { call, close: () => socket.destroy() };
}

/**
 * `--rounds N --seconds S --connections C` of a load benchmark, with its defaults.
 * @param {{ rounds: number; seconds: number; connections: number }} defaults
 */
export function loadOptions(defaults) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: String(defaults.rounds) },
      seconds: { type: 'string', default: String(defaults.seconds) },
      connections: { type: 'string', default: String(defaults.connections) },
      // Another checkout (dist/ built) whose daemon runs as one more row in the same rounds: before and after.
      compare: { type: 'string' },
    },
  });
  return { rounds: Number(values.rounds), seconds: Number(values.seconds), connections: Number(values.connections), compare: values.compare };
}

/** pm2 installed into bench/pm2 (benchmark only); false when it cannot be. */
export function ensurePm2() {
  if (existsSync(pm2Bin)) return true;
  console.log('installing pm2 into bench/pm2 (benchmark only)…');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', join(benchRoot, 'pm2')], {
    stdio: 'ignore',
  });
  if (result.status !== 0 || !existsSync(pm2Bin)) {
    console.log('skipping the PM2 side: could not install pm2 (npm install --prefix bench/pm2)');
    return false;
  }
  return true;
}

/**
 * A fresh PM2 God daemon in a temporary PM2_HOME with `count` of Herve's echo service (dist/) as
 * apps p0, p1, …, each answering on its own port. `stop()` kills the daemon and removes its home.
 * @param {number} count
 */
export async function pm2WithEchoApps(count) {
  const home = mkdtempSync('/tmp/pmbench-');
  const env = { ...process.env, PM2_HOME: home };
  const echo = join(dirname(benchRoot), 'dist/services/echo/main.js');
  const stop = () => {
    spawnSync(process.execPath, [pm2Bin, 'kill'], { env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  };
  try {
    execFileSync(process.execPath, [pm2Bin, 'ping'], { env, stdio: 'ignore' });
    const pid = Number(readFileSync(join(home, 'pm2.pid'), 'utf8'));
    const ports = [];
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      ports.push(port);
      execFileSync(process.execPath, [pm2Bin, 'start', echo, '--name', `p${i}`], { env: { ...env, PORT: String(port) }, stdio: 'ignore' });
    }
    for (const port of ports) await waitUntil(() => answers(port), 15000, `pm2 on ${port}`);
    return { pid, env, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/**
 * A ratio against its target (at most `limit`), as the benchmarks print it: `≤ 1 — met`.
 * @param {number} ratio
 * @param {number} limit
 */
export function targetMet(ratio, limit) {
  return `≤ ${limit} — ${ratio <= limit ? 'met' : 'MISSED'}`;
}
