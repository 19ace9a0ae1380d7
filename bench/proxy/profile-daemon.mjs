#!/usr/bin/env node
// @ts-check
// One real daemon under wrk, in the proxy bench's layout (backend and daemon on CPU 0, wrk on CPU 1),
// with node flags of your choice, to profile what the bench measures. Run on demand, not a test:
//   node bench/proxy/profile-daemon.mjs [--big] [--seconds S] [--checkout DIR] -- --cpu-prof --cpu-prof-dir=/tmp/prof
//   node bench/proxy/profile-daemon.mjs -- --trace-gc-nvp > gc.txt
// Prints wrk's figures and the daemon's CPU per request; the daemon stops with SIGTERM, so a profile is written.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds, freePort, portFrom, socketClient, waitUntil } from '../lib.mjs';
import { runWrk } from './wrk.mjs';

const { values, positionals: nodeFlags } = parseArgs({
  options: { big: { type: 'boolean', default: false }, seconds: { type: 'string', default: '6' }, checkout: { type: 'string' } },
  allowPositionals: true,
});
const checkout = values.checkout ?? new URL('../..', import.meta.url).pathname;
/** @type {import('node:child_process').ChildProcessByStdio<null, import('node:stream').Readable, null>[]} */
const children = [];

/**
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
function startPinned(args, env = process.env) {
  const child = spawn('taskset', ['-c', '0', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
  children.push(child);
  return child;
}

const backendPort = await portFrom(startPinned([new URL('./backend.mjs', import.meta.url).pathname]));
const home = mkdtempSync('/tmp/hv-profile-daemon-');
const port = await freePort();
const daemon = startPinned([...nodeFlags, join(checkout, 'dist/daemon/main.js'), '--port', String(port)], { ...process.env, HERVE_HOME: home });
// Its log and whatever the flags print (--trace-gc…) go to this script's stdout.
daemon.stdout.pipe(process.stdout);
try {
  /** @type {Awaited<ReturnType<typeof socketClient>> | undefined} */
  let client;
  await waitUntil(async () => (client = await socketClient(join(home, 'herve.sock')).catch(() => undefined)), 20_000, 'the daemon');
  await client?.call('register', { type: 'proxy', name: 'bench', options: { target: `http://127.0.0.1:${backendPort}` } });
  client?.close();
  const url = `http://127.0.0.1:${port}/bench/${values.big ? 'big' : ''}`;
  await waitUntil(
    () =>
      fetch(url).then(
        (response) => response.ok,
        () => false,
      ),
    5000,
    url,
  );
  await runWrk(url, { seconds: 2, connections: 50, cpu: 1 }); // warm-up (JIT, pools)
  const pid = daemon.pid ?? 0;
  const before = cpuSeconds(pid);
  const run = await runWrk(url, { seconds: Number(values.seconds), connections: 50, cpu: 1 });
  const cpuUs = ((cpuSeconds(pid) - before) / run.requests) * 1e6;
  console.log(
    `profile-daemon: ${run.rps.toFixed(0)} req/s, p50 ${run.p50} ms, p99 ${run.p99} ms, ${run.mbps.toFixed(0)} MB/s, ${cpuUs.toFixed(1)} µs CPU/req${run.errors ? `, errors ${run.errors}` : ''}`,
  );
  const exited = new Promise((resolve) => daemon.once('exit', resolve));
  daemon.kill('SIGTERM');
  await exited;
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
}
