// @ts-check
// `npm run bench -- membership`: services that join by heartbeat (on this machine, over the socket).
// Join-to-first-proxied-request, kill -9-to-dropped, and wrk across 3 joined members while one is
// killed (and started again) every 2 s. No Redis bus here: it is not built yet.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SocketDaemonClient } from '../dist/cli/client/index.js';
import { sleep } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const herveBin = join(root, 'dist/cli/main.js');
const memberScript = join(root, 'test/remote/fixtures/member.mjs');
const execFileAsync = promisify(execFile);
const TTL_S = 1;

/** @param {number[]} values */
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/**
 * @param {() => unknown} check
 * @param {number} [timeoutMs]
 */
async function until(check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(2);
  }
  throw new Error('timed out');
}

/** @returns {Promise<import('node:http').Server>} */
function listen() {
  const server = createServer((_req, res) => res.end('ok'));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * @param {string} home
 * @param {string} name
 * @param {string} id
 * @returns {Promise<{ child: import('node:child_process').ChildProcess; port: number }>}
 */
function startMember(home, name, id) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [memberScript], {
      env: { ...process.env, HERVE_HOME: home, MEMBER_NAME: name, MEMBER_ID: id, MEMBER_TTL: String(TTL_S) },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.once('data', (chunk) => resolve({ child, port: Number(/joined (\d+)/.exec(String(chunk))?.[1]) }));
    child.once('error', reject);
  });
}

const home = mkdtempSync('/tmp/hv-bench-');
const env = { ...process.env, HERVE_HOME: home };
await execFileAsync(process.execPath, [herveBin, 'up', '--port', '0'], { env });
const client = await SocketDaemonClient.connect(join(home, 'herve.sock'), 'bench');
const proxyPort = (await client.call('hello', { version: 1 })).proxyPort;
const members = [];
try {
  // 1. announce -> first 200 through the front door.
  const joins = [];
  for (let round = 0; round < 15; round++) {
    const server = await listen();
    const name = `join-${round}`;
    const began = performance.now();
    await client.call('announce', { name, url: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`, ttl: 30 });
    await until(async () => (await fetch(`http://127.0.0.1:${proxyPort}/${name}/`)).status === 200);
    joins.push(performance.now() - began);
    await client.call('leave', { name });
    server.close();
  }
  console.log(`join to first proxied request: median ${median(joins).toFixed(1)} ms over ${joins.length} (announce over the socket)`);

  // 2. kill -9 of a member -> out of routing (ttl ${TTL_S} s).
  const drops = [];
  for (let round = 0; round < 5; round++) {
    const member = await startMember(home, 'drop', String(round));
    members.push(member.child);
    await until(async () => (await fetch(`http://127.0.0.1:${proxyPort}/drop/`)).status === 200);
    const killedAt = performance.now();
    member.child.kill('SIGKILL');
    await until(async () => (await client.call('get', { service: 'drop' })).instances.every((instance) => instance.status === 'lost'));
    drops.push(performance.now() - killedAt);
    await client.call('leave', { name: 'drop' });
  }
  console.log(`kill -9 to out of routing: median ${median(drops).toFixed(0)} ms over ${drops.length} (ttl ${TTL_S} s, beats every ${((TTL_S * 1000) / 3).toFixed(0)} ms)`);

  // 3. wrk across 3 members, one killed every 2 s and started again.
  const pool = [];
  for (let i = 0; i < 3; i++) pool.push((await startMember(home, 'pool', String(i))).child);
  members.push(...pool);
  await until(async () => (await client.call('get', { service: 'pool' })).instances.filter((instance) => instance.ready).length === 3);
  const seconds = 12;
  const wrk = execFileAsync('wrk', ['-t1', '-c20', `-d${seconds}s`, `http://127.0.0.1:${proxyPort}/pool/`], { encoding: 'utf8' });
  let kills = 0;
  for (let at = 2; at < seconds; at += 2) {
    await sleep(2000);
    const victim = kills % 3;
    pool[victim].kill('SIGKILL');
    kills++;
    pool[victim] = (await startMember(home, 'pool', `r${kills}`)).child;
    members.push(pool[victim]);
  }
  const { stdout } = await wrk;
  const total = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const failed = non2xx + socketErrors;
  console.log(`wrk ${seconds} s, 20 connections, 3 members, ${kills} kill -9 (one every 2 s, each replaced): ${total} requests, ${failed} failed (${non2xx} non-2xx, ${socketErrors} socket errors) = ${((failed / total) * 100).toFixed(3)} %`);
} finally {
  for (const child of members) child.kill('SIGKILL');
  client.close();
  await execFileAsync(process.execPath, [herveBin, 'down'], { env }).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
}
