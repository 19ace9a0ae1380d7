#!/usr/bin/env node
// @ts-check
// Front-door benchmark (run on demand, not a test): direct vs Herve vs nginx, interleaved rounds, medians.
// Layout: backend and proxy share CPU 0, wrk runs on CPU 1. Options: --rounds N --seconds S --connections C
// --compare DIR: the daemon of another checkout (its dist/ built) as the row `before`, interleaved with this one's.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { freePort, hasCommand, loadOptions, portFrom, socketClient, waitUntil } from './lib.mjs';
import { DAEMON_NODE_FLAGS } from '../dist/cli/daemon/daemon-launch.js';
import { writeNginxConfig } from './proxy/nginx.mjs';
import { runWrk } from './proxy/wrk.mjs';

const { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, compare: COMPARE } = loadOptions({ rounds: 5, seconds: 5, connections: 50 });
const here = (/** @type {string} */ path) => new URL(path, import.meta.url).pathname;
/** @type {import('node:child_process').ChildProcessByStdio<null, import('node:stream').Readable, null>[]} */
const children = [];

/**
 * @param {string} command
 * @param {string[]} commandArgs
 */
function startPinned(command, commandArgs, env = process.env) {
  const child = spawn('taskset', ['-c', '0', command, ...commandArgs], { stdio: ['ignore', 'pipe', 'inherit'], env });
  children.push(child);
  return child;
}

async function waitForHttp(url, deadlineMs = 5000) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then(
      (response) => response.arrayBuffer().then(() => response.ok),
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${url} did not answer within ${deadlineMs} ms`);
}

/**
 * Asks the harness to collect garbage and report; resolves { rss, heap } in MiB.
 * @param {(typeof children)[number]} child
 * @returns {Promise<{ rss: number; heap: number }>}
 */
function settledMemory(child) {
  return new Promise((resolve) => {
    const onData = (/** @type {Buffer} */ data) => {
      const match = /MEM ([\d.]+) ([\d.]+)/.exec(data.toString());
      if (!match) return;
      child.stdout.off('data', onData);
      resolve({ rss: Number(match[1]), heap: Number(match[2]) });
    };
    child.stdout.on('data', onData);
    child.kill('SIGUSR2');
  });
}

/**
 * CPU seconds (user + system) a process and its children so far have used: what a proxy spends is
 * told apart from what its neighbours on the core spend, which req/s alone cannot on a shared machine.
 * @param {number[]} pids
 */
function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

/** @param {number} pid */
function childPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** @param {number} pid */
function rssMiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

const median = (/** @type {number[]} */ values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

/**
 * @param {number} port
 * @param {string} path
 * @returns {Promise<void>}
 */
function abortAfterFirstChunk(port, path) {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) =>
      res.once('data', () => {
        req.destroy();
        resolve();
      }),
    );
    req.on('error', () => resolve());
    req.end();
  });
}

/**
 * What users run: a real daemon (`dist/daemon/main.js` with the node flags `herve up` gives it, probes, stats, access log and all) on CPU 0,
 * with the backend registered as a `proxy` service named `bench`. Resolves its port and its home.
 * @param {number} backendPort
 * @param {string} checkout the directory whose `dist/` runs (default: this one)
 */
async function startRealDaemon(backendPort, checkout = here('..')) {
  const home = mkdtempSync('/tmp/hv-bench-proxy-');
  const port = await freePort();
  const main = join(checkout, 'dist/daemon/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build that checkout first (npm run build)`);
  const child = startPinned(process.execPath, [...DAEMON_NODE_FLAGS, main, '--port', String(port)], { ...process.env, HERVE_HOME: home });
  /** @type {Awaited<ReturnType<typeof socketClient>> | undefined} */
  let client;
  await waitUntil(async () => (client = await socketClient(join(home, 'herve.sock')).catch(() => undefined)), 20_000, 'the daemon');
  await client?.call('register', { type: 'proxy', name: 'bench', options: { target: `http://127.0.0.1:${backendPort}` } });
  client?.close();
  return { port, home, pid: child.pid ?? 0 };
}

async function main() {
  for (const tool of ['wrk', 'taskset']) {
    if (!hasCommand(tool)) {
      console.log(`SKIP: ${tool} is not installed (apt-get install -y wrk util-linux nginx); nothing measured.`);
      return;
    }
  }
  const backendPort = await portFrom(startPinned(process.execPath, [here('./proxy/backend.mjs')]));
  const herve = startPinned(process.execPath, ['--expose-gc', here('./proxy/herve-harness.mjs'), String(backendPort)]);
  const hervePort = await portFrom(herve);
  const daemon = await startRealDaemon(backendPort);
  const before = COMPARE === undefined ? undefined : await startRealDaemon(backendPort, COMPARE);
  /** @type {{ name: string; small: string; big: string; pids: () => number[] }[]} */
  const targets = [
    { name: 'direct', small: `http://127.0.0.1:${backendPort}/`, big: `http://127.0.0.1:${backendPort}/big`, pids: () => [] },
    { name: 'herve', small: `http://127.0.0.1:${hervePort}/bench/`, big: `http://127.0.0.1:${hervePort}/bench/big`, pids: () => [herve.pid ?? 0] },
    { name: 'daemon', small: `http://127.0.0.1:${daemon.port}/bench/`, big: `http://127.0.0.1:${daemon.port}/bench/big`, pids: () => [daemon.pid] },
  ];
  if (before !== undefined) {
    console.log(`before: the daemon of ${COMPARE}`);
    targets.push({
      name: 'before',
      small: `http://127.0.0.1:${before.port}/bench/`,
      big: `http://127.0.0.1:${before.port}/bench/big`,
      pids: () => [before.pid],
    });
  }
  let nginxDir = null;
  if (hasCommand('nginx')) {
    const nginxPort = await freePort();
    const config = writeNginxConfig(backendPort, nginxPort);
    nginxDir = config.dir;
    const master = startPinned('nginx', ['-c', config.path, '-p', config.dir]);
    const nginxPids = () => [master.pid ?? 0, ...childPids(master.pid ?? 0)];
    targets.push({ name: 'nginx', small: `http://127.0.0.1:${nginxPort}/bench/`, big: `http://127.0.0.1:${nginxPort}/bench/big`, pids: nginxPids });
  } else {
    console.log('SKIP nginx: not installed (apt-get install -y nginx); ratios against nginx are not measured.');
  }
  for (const target of targets) await waitForHttp(target.small);
  const idle = await settledMemory(herve);
  const rssIdle = idle.rss;

  /** @type {Results} */
  const results = { small: {}, big: {} };
  // The peak covers every run, not only Herve's: the proxy's RSS is only moved by its own runs.
  let rssPeak = rssIdle;
  const hervePid = herve.pid;
  if (hervePid === undefined) throw new Error('the Herve harness did not start');
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMiB(hervePid))), 100);
  /**
   * @param {'small' | 'big'} kind
   * @param {number} seconds
   * @param {number} rounds
   */
  const measure = async (kind, seconds, rounds) => {
    for (const target of targets) await runWrk(target[kind], { seconds: 2, connections: CONNECTIONS, cpu: 1 }); // warm-up (JIT, pools)
    for (let round = 0; round < rounds; round++) {
      for (const target of targets) {
        const pids = target.pids();
        const cpuBefore = cpuSeconds(pids);
        const wrk = await runWrk(target[kind], { seconds, connections: CONNECTIONS, cpu: 1 });
        const run = { ...wrk, cpuUs: pids.length === 0 ? NaN : ((cpuSeconds(pids) - cpuBefore) / wrk.requests) * 1e6 };
        results[kind][target.name] = [...(results[kind][target.name] ?? []), run];
        console.log(
          `  ${kind} round ${round + 1} ${target.name.padEnd(6)} ${run.rps.toFixed(0).padStart(7)} req/s  p50 ${run.p50.toFixed(2)} ms  p99 ${run.p99.toFixed(2)} ms  ${run.mbps.toFixed(0)} MB/s${Number.isFinite(run.cpuUs) ? `  ${run.cpuUs.toFixed(1)} µs CPU/req` : ''}${run.errors ? `  errors ${run.errors}` : ''}`,
        );
      }
    }
  };
  console.log(`layout: backend + proxy on CPU 0, wrk on CPU 1; ${CONNECTIONS} connections, ${SECONDS} s runs, ${ROUNDS} rounds (small), interleaved`);
  await measure('small', SECONDS, ROUNDS);
  await measure('big', SECONDS, Math.max(3, Math.ceil(ROUNDS / 2)));
  clearInterval(sampler);

  report(
    results,
    targets.map((target) => target.name),
  );
  await abortedDownloadsCheck(herve, hervePort, idle, rssPeak);
  if (nginxDir) rmSync(nginxDir, { recursive: true, force: true });
  for (const { home } of before === undefined ? [daemon] : [daemon, before]) rmSync(home, { recursive: true, force: true });
}

/** @typedef {Awaited<ReturnType<typeof runWrk>> & { cpuUs: number }} WrkRun */
/** @typedef {Record<'small' | 'big', Record<string, WrkRun[]>>} Results */

/**
 * @param {Results} results
 * @param {string[]} names
 */
function report(results, names) {
  /**
   * @param {'small' | 'big'} kind
   * @param {string} name
   */
  const summary = (kind, name) => {
    const runs = results[kind][name] ?? [];
    return {
      rps: median(runs.map((run) => run.rps)),
      p50: median(runs.map((run) => run.p50)),
      p99: median(runs.map((run) => run.p99)),
      mbps: median(runs.map((run) => run.mbps)),
      cpuUs: median(runs.map((run) => run.cpuUs)),
    };
  };
  console.log('\nmedians (CPU/req: the proxy process alone, user + system)');
  for (const name of names) {
    const small = summary('small', name);
    const big = summary('big', name);
    console.log(
      `  ${name.padEnd(6)} 13 B: ${small.rps.toFixed(0).padStart(7)} req/s  p50 ${small.p50.toFixed(2)} ms  p99 ${small.p99.toFixed(2)} ms${Number.isFinite(small.cpuUs) ? `  ${small.cpuUs.toFixed(1)} µs CPU/req` : ''}   1 MiB: ${big.mbps.toFixed(0)} MB/s (${big.rps.toFixed(0)} req/s${Number.isFinite(big.cpuUs) ? `, ${big.cpuUs.toFixed(0)} µs CPU/req` : ''})`,
    );
  }
  const herve = { small: summary('small', 'herve'), big: summary('big', 'herve') };
  const direct = { small: summary('small', 'direct'), big: summary('big', 'direct') };
  console.log(`\nHerve/direct: ${(herve.small.rps / direct.small.rps).toFixed(2)}x req/s, ${(herve.big.mbps / direct.big.mbps).toFixed(2)}x MB/s (1 MiB)`);
  if (names.includes('nginx')) {
    const nginx = { small: summary('small', 'nginx'), big: summary('big', 'nginx') };
    const rpsRatio = herve.small.rps / nginx.small.rps;
    const p99Ratio = herve.small.p99 / nginx.small.p99;
    const mbpsRatio = herve.big.mbps / nginx.big.mbps;
    const verdict = (/** @type {boolean} */ ok) => (ok ? 'met' : 'MISSED');
    /**
     * @param {'small' | 'big'} kind
     * @param {'rps' | 'p99' | 'mbps'} field
     */
    const perRound = (kind, field) => median((results[kind].herve ?? []).map((run, index) => run[field] / (results[kind].nginx?.[index]?.[field] ?? NaN)));
    console.log(
      `Herve/nginx, median of per-round ratios (robust to drift on a shared machine): ${perRound('small', 'rps').toFixed(2)}x req/s, p99 ${perRound('small', 'p99').toFixed(2)}x, ${perRound('big', 'mbps').toFixed(2)}x MB/s on 1 MiB`,
    );
    console.log(
      `Herve/nginx:  ${rpsRatio.toFixed(2)}x req/s (target >= 0.5: ${verdict(rpsRatio >= 0.5)}), p99 ${p99Ratio.toFixed(2)}x (target <= 2: ${verdict(p99Ratio <= 2)}), ${mbpsRatio.toFixed(2)}x MB/s on 1 MiB (target >= 0.9: ${verdict(mbpsRatio >= 0.9)})`,
    );
    if (names.includes('daemon')) {
      /**
       * @param {'small' | 'big'} kind
       * @param {'rps' | 'p99' | 'mbps' | 'cpuUs'} field
       */
      const daemonPerRound = (kind, field, row = 'daemon', base = 'nginx') =>
        median((results[kind][row] ?? []).map((run, index) => run[field] / (results[kind][base]?.[index]?.[field] ?? NaN)));
      const rps = daemonPerRound('small', 'rps');
      const p99 = daemonPerRound('small', 'p99');
      const mbps = daemonPerRound('big', 'mbps');
      console.log(
        `real daemon/nginx, median of per-round ratios: ${rps.toFixed(2)}x req/s (target >= 0.6: ${verdict(rps >= 0.6)}), p99 ${p99.toFixed(2)}x (target <= 2: ${verdict(p99 <= 2)}), ${mbps.toFixed(2)}x MB/s on 1 MiB (target >= 1.0: ${verdict(mbps >= 1)})`,
      );
      if (names.includes('before')) {
        const ratio = (/** @type {'small' | 'big'} */ kind, /** @type {'rps' | 'p99' | 'mbps' | 'cpuUs'} */ field) =>
          daemonPerRound(kind, field, 'daemon', 'before').toFixed(2);
        console.log(
          `daemon/before, median of per-round ratios: ${ratio('small', 'rps')}x req/s, p99 ${ratio('small', 'p99')}x, CPU/req ${ratio('small', 'cpuUs')}x; 1 MiB: ${ratio('big', 'mbps')}x MB/s, CPU/req ${ratio('big', 'cpuUs')}x`,
        );
      }
    }
  }
}

/**
 * @param {(typeof children)[number]} herve
 * @param {number} port
 * @param {{ rss: number; heap: number }} idle
 * @param {number} rssPeak
 */
async function abortedDownloadsCheck(herve, port, idle, rssPeak) {
  const before = await settledMemory(herve);
  for (let batch = 0; batch < 20; batch++) {
    await Promise.all(Array.from({ length: 50 }, () => abortAfterFirstChunk(port, '/bench/big')));
  }
  // Requests still queued in the pool when their client left are aborted when they reach a connection.
  let busy = Infinity;
  const deadline = Date.now() + 5000;
  while (busy > 0 && Date.now() < deadline) {
    const usage = /** @type {{ upstreams: { running: number; pending: number }[] }} */ (
      await (await fetch(`http://127.0.0.1:${port}/_herve/upstreams`)).json()
    );
    busy = usage.upstreams.reduce((sum, upstream) => sum + upstream.running + upstream.pending, 0);
    if (busy > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const after = await settledMemory(herve);
  const percent = (/** @type {number} */ value, /** @type {number} */ base) => `${value >= base ? '+' : ''}${(((value - base) / base) * 100).toFixed(1)} %`;
  console.log(`\nproxy memory: idle ${idle.rss.toFixed(1)} MiB RSS (${idle.heap.toFixed(1)} MiB heap used), peak under load ${rssPeak.toFixed(1)} MiB RSS`);
  console.log(`aborted downloads: 1000 x 1 MiB, each aborted after its first chunk -> busy upstream sockets ${busy}`);
  console.log(
    `  RSS ${before.rss.toFixed(1)} -> ${after.rss.toFixed(1)} MiB (${percent(after.rss, before.rss)}; ${percent(after.rss, idle.rss)} vs cold idle), heap used ${before.heap.toFixed(1)} -> ${after.heap.toFixed(1)} MiB (${percent(after.heap, before.heap)})`,
  );
}

try {
  await main();
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
