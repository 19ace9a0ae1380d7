// @ts-check
// `npm run bench -- membership`: services that join by heartbeat, on this machine over the socket and
// over a Redis bus (`herve up --bus`, a redis-server started here). For each: join-to-first-proxied-request,
// kill -9-to-dropped, and wrk across 3 joined members while one is killed (and started again) every 2 s.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { SocketDaemonClient } from '../dist/cli/client/index.js';
import { BUS_CHANNELS } from '../dist/protocol/index.js';
import { ensureDebianTools, freePort, median, sleep } from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const herveBin = join(root, 'dist/cli/main.cjs');
const memberScript = join(root, 'test/remote/fixtures/member.mjs');
const execFileAsync = promisify(execFile);
/** Local members announce with this TTL; bus beats are a quarter of it, four missed: the same second. */
const TTL_S = 1;
const BEAT_MS = 250;
const MISSED_BEATS = 4;

if (!ensureDebianTools(['wrk', 'redis-server'], ['wrk', 'redis-server'])) process.exit(0);

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

async function startRedis() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await /** @type {Promise<void>} */ (new Promise((resolve) => child.stdout.on('data', (chunk) => String(chunk).includes('Ready to accept') && resolve())));
  return { child, url: `redis://127.0.0.1:${port}` };
}

const redis = await startRedis();
const home = mkdtempSync('/tmp/hv-bench-');
const env = { ...process.env, HERVE_HOME: home, HERVE_BUS_BEAT_MS: String(BEAT_MS), HERVE_BUS_MISSED_BEATS: String(MISSED_BEATS) };
await execFileAsync(process.execPath, [herveBin, 'up', '--port', '0', '--bus', redis.url], { env });
const client = await SocketDaemonClient.connect(join(home, 'herve.sock'), 'bench');
const proxyPort = client.hello.proxyPort;
const publisher = new Redis(redis.url);
const members = [];

/** The two ways to join, each with its own announce, leave and member process. */
const ways = {
  socket: {
    announce: (name, url) => client.call('announce', { name, url, ttl: 30 }),
    leave: (name) => client.call('leave', { name }),
    memberEnv: { HERVE_HOME: home, MEMBER_TTL: String(TTL_S) },
    drop: `ttl ${TTL_S} s, a beat every ${((TTL_S * 1000) / 3).toFixed(0)} ms`,
  },
  redis: {
    announce: (name, url) => publisher.publish(BUS_CHANNELS.ack, JSON.stringify({ name, url })),
    leave: async (name) => {
      for (const instance of (await client.call('get', { service: name })).instances) {
        await publisher.publish(BUS_CHANNELS.leave, JSON.stringify({ name, url: `http://127.0.0.1:${instance.port}` }));
      }
      await until(async () => !(await client.call('list')).services.some((service) => service.name === name));
    },
    memberEnv: { MEMBER_BUS: redis.url },
    drop: `a beat every ${BEAT_MS} ms, ${MISSED_BEATS} missed`,
  },
};

function startMember(way, name, id) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [memberScript], {
      env: { ...process.env, ...way.memberEnv, MEMBER_NAME: name, MEMBER_ID: id },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    members.push(child);
    child.stdout.once('data', () => resolve(child));
    child.once('error', reject);
  });
}

const instancesOf = async (name) => (await client.call('get', { service: name })).instances;

async function joinTimes(way, label) {
  const joins = [];
  for (let round = 0; round < 15; round++) {
    const server = await listen();
    const name = `join-${label}-${round}`;
    const began = performance.now();
    await way.announce(name, `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`);
    await until(async () => (await fetch(`http://127.0.0.1:${proxyPort}/${name}/`)).status === 200);
    joins.push(performance.now() - began);
    await way.leave(name);
    server.close();
  }
  return `${median(joins).toFixed(0)} ms median of ${joins.length}`;
}

async function dropTimes(way, label) {
  const drops = [];
  const name = `drop-${label}`;
  for (let round = 0; round < 5; round++) {
    const member = await startMember(way, name, String(round));
    await until(async () => (await fetch(`http://127.0.0.1:${proxyPort}/${name}/`)).status === 200);
    const killedAt = performance.now();
    member.kill('SIGKILL');
    await until(async () => (await instancesOf(name)).every((instance) => instance.status === 'lost'));
    drops.push(performance.now() - killedAt);
    await client.call('leave', { name });
  }
  return `${median(drops).toFixed(0)} ms median of ${drops.length} (${way.drop})`;
}

async function underKills(way, label) {
  const name = `pool-${label}`;
  const pool = [];
  for (let i = 0; i < 3; i++) pool.push(await startMember(way, name, String(i)));
  await until(async () => (await instancesOf(name)).filter((instance) => instance.ready).length === 3);
  const seconds = 12;
  const wrk = execFileAsync('wrk', ['-t1', '-c20', `-d${seconds}s`, `http://127.0.0.1:${proxyPort}/${name}/`], { encoding: 'utf8' });
  let kills = 0;
  for (let at = 2; at < seconds; at += 2) {
    await sleep(2000);
    const victim = kills % 3;
    pool[victim].kill('SIGKILL');
    kills++;
    pool[victim] = await startMember(way, name, `r${kills}`);
  }
  const { stdout } = await wrk;
  const total = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const failed = non2xx + socketErrors;
  for (const child of pool) child.kill('SIGKILL');
  return `${total} requests, ${failed} failed (${non2xx} non-2xx, ${socketErrors} socket errors) = ${((failed / total) * 100).toFixed(3)} %, ${kills} kill -9`;
}

try {
  for (const [label, way] of Object.entries(ways)) {
    console.log(`${label}: announce to the first proxied 200: ${await joinTimes(way, label)}`);
    console.log(`${label}: kill -9 of a member to out of routing: ${await dropTimes(way, label)}`);
    console.log(`${label}: wrk 12 s, 20 connections, 3 members, one kill -9ed every 2 s and replaced: ${await underKills(way, label)}`);
  }
} finally {
  for (const child of members) child.kill('SIGKILL');
  client.close();
  publisher.disconnect();
  await execFileAsync(process.execPath, [herveBin, 'down'], { env }).catch(() => undefined);
  redis.child.kill('SIGKILL');
  rmSync(home, { recursive: true, force: true });
}
