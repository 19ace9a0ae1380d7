#!/usr/bin/env node
// @ts-check
// The front door across cores (run on demand, not a test): a real daemon with `--workers 1` and `--workers 2`
// against nginx with `worker_processes 1` and `2`, everything unpinned (backend, proxies and wrk share the machine),
// interleaved rounds, medians. Options: --rounds N --seconds S --connections C
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, hasCommand, loadOptions, median, portFrom, printTable, socketClient, waitUntil } from './lib.mjs';
import { DAEMON_NODE_FLAGS } from '../dist/cli/daemon/daemon-launch.js';
import { writeNginxConfig } from './proxy/nginx.mjs';
import { runWrk } from './proxy/wrk.mjs';

const { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS } = loadOptions({ rounds: 5, seconds: 5, connections: 50 });
const here = (/** @type {string} */ path) => new URL(path, import.meta.url).pathname;
/** @type {import('node:child_process').ChildProcess[]} */
const children = [];

/**
 * @param {string} command
 * @param {string[]} args
 */
function start(command, args, env = process.env) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
  children.push(child);
  return child;
}

/**
 * A real daemon (probes, stats, access log and all) with `workers` front-door processes, the backend registered
 * as a `proxy` service named `bench`.
 * @param {number} backendPort
 * @param {number} workers
 */
async function startDaemon(backendPort, workers) {
  const home = mkdtempSync('/tmp/hv-bench-workers-');
  const port = await freePort();
  start(process.execPath, [...DAEMON_NODE_FLAGS, here('../dist/daemon/main.js'), '--port', String(port), '--workers', String(workers)], {
    ...process.env,
    HERVE_HOME: home,
  });
  /** @type {Awaited<ReturnType<typeof socketClient>> | undefined} */
  let client;
  await waitUntil(async () => (client = await socketClient(join(home, 'herve.sock')).catch(() => undefined)), 20_000, 'the daemon');
  if (client === undefined) throw new Error('no daemon');
  await client.call('register', { type: 'proxy', name: 'bench', options: { target: `http://127.0.0.1:${backendPort}` } });
  await waitUntil(
    async () => {
      const answer = /** @type {{ processes: Array<{ serving: boolean }> }} */ (
        await fetch(`http://127.0.0.1:${port}/_herve/workers`).then((response) => response.json())
      );
      return answer.processes.length === workers && answer.processes.every((/** @type {{ serving: boolean }} */ each) => each.serving);
    },
    20_000,
    'every front-door process serving',
  );
  return { name: `herve ${workers}`, url: `http://127.0.0.1:${port}/bench/`, home, port, client };
}

/**
 * @param {number} backendPort
 * @param {number} workers
 */
async function startNginx(backendPort, workers) {
  const port = await freePort();
  const config = writeNginxConfig(backendPort, port, undefined, workers);
  start('nginx', ['-c', config.path, '-p', config.dir]);
  const url = `http://127.0.0.1:${port}/bench/`;
  await waitUntil(async () => (await fetch(url).catch(() => null))?.ok === true, 5000, 'nginx');
  return { name: `nginx ${workers}`, url, dir: config.dir };
}

async function main() {
  for (const tool of ['wrk', 'nginx']) {
    if (!hasCommand(tool)) {
      console.log(`SKIP: ${tool} is not installed (apt-get install -y wrk nginx); nothing measured.`);
      return;
    }
  }
  const backendPort = await portFrom(start(process.execPath, [here('./proxy/backend.mjs')]));
  const daemons = [await startDaemon(backendPort, 1), await startDaemon(backendPort, 2)];
  const nginxes = [await startNginx(backendPort, 1), await startNginx(backendPort, 2)];
  const targets = [{ name: 'direct', url: `http://127.0.0.1:${backendPort}/bench/` }, ...daemons, ...nginxes];
  /** @type {Record<string, Array<Awaited<ReturnType<typeof runWrk>>>>} */
  const results = Object.fromEntries(targets.map((target) => [target.name, []]));
  console.log(
    `${ROUNDS} interleaved rounds of ${SECONDS} s, ${CONNECTIONS} connections, 13-byte body, nothing pinned (${targets.map((t) => t.name).join(', ')})`,
  );
  try {
    for (const target of targets) await runWrk(target.url, { seconds: 1, connections: CONNECTIONS, cpu: null });
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of round % 2 === 0 ? targets : [...targets].reverse()) {
        results[target.name]?.push(await runWrk(target.url, { seconds: SECONDS, connections: CONNECTIONS, cpu: null }));
      }
    }
    report(results);
    await consistency(daemons[1], results['herve 2'] ?? []);
  } finally {
    for (const daemon of daemons) {
      await daemon.client.call('shutdown').catch(() => undefined);
      daemon.client.close();
    }
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const daemon of daemons) rmSync(daemon.home, { recursive: true, force: true });
    for (const nginx of nginxes) rmSync(nginx.dir, { recursive: true, force: true });
  }
}

/** @param {Record<string, Array<Awaited<ReturnType<typeof runWrk>>>>} results */
function report(results) {
  const of = (/** @type {string} */ name, /** @type {'rps' | 'p99'} */ field) => median((results[name] ?? []).map((run) => run[field]));
  /** Median of per-round ratios: robust to drift on a shared machine. */
  const ratio = (/** @type {string} */ a, /** @type {string} */ b, /** @type {'rps' | 'p99'} */ field) =>
    median((results[a] ?? []).map((run, index) => run[field] / (results[b]?.[index]?.[field] ?? Number.NaN)));
  const rows = [['target', 'req/s', 'p99 ms', 'errors']];
  for (const [name, runs] of Object.entries(results)) {
    rows.push([name, of(name, 'rps').toFixed(0), of(name, 'p99').toFixed(2), String(runs.reduce((sum, run) => sum + run.errors, 0))]);
  }
  printTable(rows);
  console.log('');
  printTable([
    ['ratio (median of per-round ratios)', 'req/s', 'p99'],
    ['herve 1 / nginx 1', ratio('herve 1', 'nginx 1', 'rps').toFixed(2), ratio('herve 1', 'nginx 1', 'p99').toFixed(2)],
    ['herve 2 / nginx 2', ratio('herve 2', 'nginx 2', 'rps').toFixed(2), ratio('herve 2', 'nginx 2', 'p99').toFixed(2)],
    ['herve 2 / herve 1', ratio('herve 2', 'herve 1', 'rps').toFixed(2), ratio('herve 2', 'herve 1', 'p99').toFixed(2)],
    ['nginx 2 / nginx 1', ratio('nginx 2', 'nginx 1', 'rps').toFixed(2), ratio('nginx 2', 'nginx 1', 'p99').toFixed(2)],
  ]);
}

/**
 * What the two-process daemon counted against what wrk was answered (wrk drops the requests in flight when it
 * stops, which the daemon records as 499s), and how the connections were spread.
 * @param {Awaited<ReturnType<typeof startDaemon>> | undefined} daemon
 * @param {Array<Awaited<ReturnType<typeof runWrk>>>} runs
 */
async function consistency(daemon, runs) {
  if (daemon === undefined) return;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const stats = await daemon.client.call('stats');
  const counted = stats.services.find((/** @type {{ name: string }} */ service) => service.name === 'bench')?.requests?.total ?? 0;
  const answered = runs.reduce((sum, run) => sum + run.requests, 0);
  const { processes } = /** @type {{ processes: Array<{ index: number; served: number }> }} */ (
    await fetch(`http://127.0.0.1:${daemon.port}/_herve/workers`).then((response) => response.json())
  );
  console.log(
    `\nherve 2: the daemon's stats count ${counted} requests for ${answered} wrk was answered in the measured rounds (plus the warm-up's); served by process: ${processes
      .map((/** @type {{ index: number; served: number }} */ each) => `#${each.index} ${each.served}`)
      .join(', ')}`,
  );
}

await main();
