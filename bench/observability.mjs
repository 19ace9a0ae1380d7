#!/usr/bin/env node
// What recording each request costs the front door (run on demand, not a test): the bare front door
// against the daemon's default (access log, inspector ring) and with tracing to a local OTLP receiver.
// Layout: backend and proxy on CPU 0, wrk and the receiver on CPU 1; interleaved rounds, medians.
// Options: --rounds N --seconds S --connections C
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hasCommand, loadOptions, median, portFrom } from './lib.mjs';
import { runWrk } from './proxy/wrk.mjs';

const { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS } = loadOptions({ rounds: 3, seconds: 5, connections: 50 });
const here = (path) => new URL(path, import.meta.url).pathname;
const children = [];

function startPinned(cpu, script, scriptArgs = [], env = {}) {
  const child = spawn('taskset', ['-c', String(cpu), process.execPath, script, ...scriptArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  children.push(child);
  return child;
}

function spansSeen(sink) {
  return new Promise((resolve) => {
    const onData = (data) => {
      const match = /SPANS (\d+)/.exec(data.toString());
      if (!match) return;
      sink.stdout.off('data', onData);
      resolve(Number(match[1]));
    };
    sink.stdout.on('data', onData);
    sink.kill('SIGUSR2');
  });
}

async function main() {
  for (const tool of ['wrk', 'taskset']) {
    if (!hasCommand(tool)) {
      console.log(`SKIP: ${tool} is not installed (apt-get install -y wrk util-linux); nothing measured.`);
      return;
    }
  }
  const backendPort = await portFrom(startPinned(0, here('./proxy/backend.mjs')));
  const sink = startPinned(1, here('./proxy/otlp-sink.mjs'));
  const sinkPort = await portFrom(sink);
  const logDirs = [mkdtempSync('/tmp/hv-bench-access-'), mkdtempSync('/tmp/hv-bench-access-')];
  const harness = (env) => portFrom(startPinned(0, here('./proxy/herve-harness.mjs'), [String(backendPort)], env));
  const variants = [
    { name: 'plain', port: await harness({}) },
    { name: 'access log', port: await harness({ BENCH_ACCESS_LOG_DIR: logDirs[0] }) },
    {
      name: 'tracing',
      port: await harness({
        BENCH_ACCESS_LOG_DIR: logDirs[1],
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`,
      }),
    },
  ];
  const results = new Map(variants.map((variant) => [variant.name, []]));
  const url = (variant) => `http://127.0.0.1:${variant.port}/bench/`;
  for (const variant of variants) await runWrk(url(variant), { seconds: 2, connections: CONNECTIONS, cpu: 1 });
  console.log(`layout: backend + proxy on CPU 0, wrk + OTLP receiver on CPU 1; ${CONNECTIONS} connections, ${SECONDS} s runs, ${ROUNDS} rounds, interleaved`);
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of variants) {
      const run = await runWrk(url(variant), { seconds: SECONDS, connections: CONNECTIONS, cpu: 1 });
      results.get(variant.name).push(run);
      console.log(
        `  round ${round + 1} ${variant.name.padEnd(10)} ${run.rps.toFixed(0).padStart(7)} req/s  p99 ${run.p99.toFixed(2)} ms${run.errors ? `  errors ${run.errors}` : ''}`,
      );
    }
  }
  const plain = results.get('plain');
  console.log('\n| front door | req/s | p99 ms | req/s vs plain | p99 vs plain |\n|---|---|---|---|---|');
  for (const [name, runs] of results) {
    const perRound = (field) => median(runs.map((run, index) => run[field] / plain[index][field]));
    console.log(
      `| ${name} | ${median(runs.map((run) => run.rps)).toFixed(0)} | ${median(runs.map((run) => run.p99)).toFixed(2)} | ${perRound('rps').toFixed(2)}x | ${perRound('p99').toFixed(2)}x |`,
    );
  }
  const lines = (dir) => readdirSync(dir).reduce((sum, file) => sum + readFileSync(`${dir}/${file}`, 'utf8').split('\n').length - 1, 0);
  await new Promise((resolve) => setTimeout(resolve, 6000));
  console.log(`\naccess log lines written: ${lines(logDirs[0])} (access log), ${lines(logDirs[1])} (tracing); spans received: ${await spansSeen(sink)}`);
  for (const dir of logDirs) rmSync(dir, { recursive: true, force: true });
}

try {
  await main();
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
