#!/usr/bin/env node
// HTTPS front door benchmark (run on demand, not a test): Herve plain vs Herve HTTPS (HTTP/1.1 with wrk,
// HTTP/2 with h2load) vs nginx with and without TLS, interleaved rounds, medians.
// Layout: backend and proxies share CPU 0, the load generator runs on CPU 1. Options: --rounds N --seconds S --connections C
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureDebianTools, freePort, hasCommand, loadOptions, median, printTable, sleep } from './lib.mjs';
import { writeNginxConfig } from './proxy/nginx.mjs';
import { runWrk } from './proxy/wrk.mjs';

const { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS } = loadOptions({ rounds: 3, seconds: 5, connections: 50 });
const here = (path) => new URL(path, import.meta.url).pathname;
const execFileAsync = promisify(execFile);
const children = [];

function startPinned(command, commandArgs) {
  const child = spawn('taskset', ['-c', '0', command, ...commandArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return child;
}

/** The ports a harness prints (`PORT n`, `HTTPS_PORT n`), once all `names` are seen. */
function portsFrom(child, names) {
  return new Promise((resolve, reject) => {
    const ports = {};
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing its ports`)));
    child.stdout.on('data', (data) => {
      for (const [, name, port] of data.toString().matchAll(/^(\w+) (\d+)$/gm)) ports[name] = Number(port);
      if (names.every((name) => name in ports)) resolve(ports);
    });
  });
}

/** Waits until an HTTPS URL answers 200, trusting `ca`. */
async function waitForHttps(url, ca, deadlineMs = 10_000) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) =>
      get(url, { ca, servername: 'localhost' }, (res) => res.resume().on('end', () => resolve(res.statusCode === 200))).on('error', () => resolve(false)),
    );
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${url} did not answer within ${deadlineMs} ms`);
}

/** One h2load run pinned to CPU 1: req/s and the mean request time (h2load reports no percentiles). */
async function runH2load(url, seconds) {
  const { stdout } = await execFileAsync('taskset', ['-c', '1', 'h2load', '-t1', `-c${CONNECTIONS}`, '-m1', `-D${seconds}`, '--warm-up-time=1', url], {
    encoding: 'utf8',
  });
  const rps = Number(/finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(stdout)?.[1]);
  const mean = /time for request:\s+\S+\s+\S+\s+(\S+)/.exec(stdout)?.[1] ?? '';
  const meanMs = mean.endsWith('us') ? Number.parseFloat(mean) / 1000 : mean.endsWith('ms') ? Number.parseFloat(mean) : Number.parseFloat(mean) * 1000;
  const failed = Number(/requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed/.exec(stdout)?.[1] ?? 0);
  return { rps, meanMs, errors: failed };
}

async function main() {
  if (!ensureDebianTools(['wrk', 'taskset', 'nginx'], ['wrk', 'util-linux', 'nginx-light'])) return;
  const withH2load = ensureDebianTools(['h2load'], ['nghttp2-client']);
  const home = mkdtempSync(join(tmpdir(), 'hv-bench-https-'));
  const { PORT: backendPort } = await portsFrom(startPinned(process.execPath, [here('./proxy/backend.mjs')]), ['PORT']);
  const herve = await portsFrom(startPinned(process.execPath, [here('./proxy/herve-harness.mjs'), String(backendPort), '--https', home]), [
    'PORT',
    'HTTPS_PORT',
  ]);
  const ca = readFileSync(join(home, 'ca', 'ca.crt'), 'utf8');
  const nginxPort = await freePort();
  let nginxTlsPort = await freePort();
  while (nginxTlsPort === nginxPort) nginxTlsPort = await freePort();
  const nginx = writeNginxConfig(backendPort, nginxPort, {
    port: nginxTlsPort,
    cert: join(home, 'ca', 'localhost.crt'),
    key: join(home, 'ca', 'localhost.key'),
  });
  startPinned('nginx', ['-c', nginx.path, '-p', nginx.dir]);
  const h1 = [
    { name: 'herve http', url: `http://127.0.0.1:${herve.PORT}/bench/` },
    { name: 'herve https h1', url: `https://127.0.0.1:${herve.HTTPS_PORT}/bench/` },
    { name: 'nginx http', url: `http://127.0.0.1:${nginxPort}/bench/` },
    { name: 'nginx https h1', url: `https://127.0.0.1:${nginxTlsPort}/bench/` },
  ];
  const h2 = [
    { name: 'herve https h2', url: `https://127.0.0.1:${herve.HTTPS_PORT}/bench/` },
    { name: 'nginx https h2', url: `https://127.0.0.1:${nginxTlsPort}/bench/` },
  ];
  for (const { url } of [...h1, ...h2]) await (url.startsWith('https') ? waitForHttps(url, ca) : fetch(url).then((response) => response.arrayBuffer()));

  console.log(`layout: backend + proxies on CPU 0, load on CPU 1; ${CONNECTIONS} connections, ${SECONDS} s runs, ${ROUNDS} rounds, interleaved; 13-byte body`);
  const results = Object.fromEntries([...h1, ...(withH2load ? h2 : [])].map((target) => [target.name, []]));
  for (const target of h1) await runWrk(target.url, { seconds: 1, connections: CONNECTIONS, cpu: 1 }); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of h1) {
      results[target.name].push(await runWrk(target.url, { seconds: SECONDS, connections: CONNECTIONS, cpu: 1 }));
    }
    if (!withH2load) continue;
    for (const target of h2) results[target.name].push(await runH2load(target.url, SECONDS));
  }
  report(results, withH2load);
  rmSync(nginx.dir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
}

function report(results, withH2load) {
  const summary = (name) => {
    const runs = results[name] ?? [];
    return {
      rps: median(runs.map((run) => run.rps)),
      p99: median(runs.map((run) => run.p99)),
      meanMs: median(runs.map((run) => run.meanMs)),
      errors: runs.reduce((sum, run) => sum + run.errors, 0),
    };
  };
  const plain = summary('herve http');
  const rows = [['', 'req/s', 'p99 (wrk) / mean (h2load)', 'errors', 'vs plain herve', 'vs nginx, same protocol']];
  for (const name of Object.keys(results)) {
    const own = summary(name);
    const nginx = name.startsWith('herve') ? summary(name.replace('herve', 'nginx')) : null;
    const latency = Number.isFinite(own.p99) ? `p99 ${own.p99.toFixed(2)} ms` : `mean ${own.meanMs.toFixed(2)} ms`;
    const vsNginx =
      nginx === null
        ? ''
        : `${(own.rps / nginx.rps).toFixed(2)}x req/s${Number.isFinite(own.p99) ? `, p99 ${(own.p99 / nginx.p99).toFixed(2)}x` : `, mean ${(own.meanMs / nginx.meanMs).toFixed(2)}x`}`;
    rows.push([name, own.rps.toFixed(0), latency, String(own.errors), name.startsWith('herve') ? `${(own.rps / plain.rps).toFixed(2)}x req/s` : '', vsNginx]);
  }
  console.log('\nmedians');
  printTable(rows);
  if (!withH2load) console.log('HTTP/2 not measured: h2load (nghttp2-client) is not installed.');
}

try {
  if (!hasCommand('taskset')) console.log('taskset (util-linux) is needed to pin the processes');
  await main();
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
