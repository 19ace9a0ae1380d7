// @ts-check
// `npm run bench -- soak`: wrk through the front door against echo with 3 replicas (GET), the daemon's RSS and
// fds at start (after warm-up) and end; then chaos: one replica SIGKILLed every 2 s, failed ratio for GET and POST,
// with passive health (the default) and again without it (--max-fails 0).
// Options: --minutes M of soak (default 2; 10 on demand; 0 skips it), --chaos-seconds S per method (default 30),
// --post-only, --passive-only (skip the run without passive health).
import { readFileSync } from 'node:fs';
import { hasCommand, printTable } from './lib.mjs';
import { fdCount, rssMegabytes, sleep, startHerve, wrk } from './reliability/harness.mjs';

/**
 * @param {string} name
 * @param {number} fallback
 */
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const MINUTES = option('minutes', 2);
const CHAOS_SECONDS = option('chaos-seconds', 30);
const WARM_UP_SECONDS = 10;
const KILL_EVERY_MS = 2000;
const POST_BODY = 'x'.repeat(1024);

if (!hasCommand('wrk')) {
  console.log('SKIP: wrk is not installed (apt-get install -y wrk); nothing measured.');
  process.exit(0);
}

/** @param {number} pid */
function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** @param {number} pid */
function startTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return Number.MAX_SAFE_INTEGER;
  }
}

const facts = (/** @type {number} */ pid) => ({ rss: rssMegabytes(pid), fds: fdCount(pid) });
const ratio = (/** @type {number} */ failed, /** @type {number} */ total) => (total === 0 ? '–' : `${((failed / total) * 100).toFixed(3)} %`);

/**
 * SIGKILL one replica (the longest-running) every interval until `done` settles; returns how many were killed.
 * @param {Awaited<ReturnType<typeof startHerve>>} herve
 * @param {Promise<unknown>} done
 */
async function killReplicas(herve, done) {
  let finished = false;
  void done.finally(() => (finished = true));
  let kills = 0;
  while (!finished) {
    await sleep(KILL_EVERY_MS);
    if (finished) break;
    // From /proc (each monitor's one child), not `herve ls`: the CLI takes seconds on a loaded machine.
    // The longest-running replica: killing one that just came back would be a crash loop, which Herve stops.
    const pids = herve
      .monitors()
      .flatMap(childrenOf)
      .sort((a, b) => startTicks(a) - startTicks(b));
    if (pids.length === 0) continue;
    try {
      process.kill(pids[0], 'SIGKILL');
      kills++;
    } catch {
      // already gone
    }
  }
  return kills;
}

/**
 * @param {number} daemon
 * @param {string} url
 */
async function soakFor(daemon, url) {
  console.log(`soak: ${MINUTES} min of wrk (GET, 20 connections) through the front door, 3 echo replicas…`);
  const soak = wrk(url, { seconds: MINUTES * 60 });
  await sleep(WARM_UP_SECONDS * 1000);
  const start = facts(daemon);
  const soakResult = await soak;
  const end = facts(daemon);
  printTable([
    ['requests', 'errors', 'daemon RSS start → end (MB)', 'RSS growth', 'daemon fds start → end'],
    [
      soakResult.requests,
      soakResult.failed,
      `${start.rss.toFixed(1)} → ${end.rss.toFixed(1)}`,
      `${(((end.rss - start.rss) / start.rss) * 100).toFixed(1)} %`,
      `${start.fds} → ${end.fds}`,
    ],
  ]);
}

/** Chaos under GET and POST against echo (3 replicas) registered with these extra flags; one table row per method. */
async function chaosRows(herve, label, flags) {
  await herve.herve('register', 'echo', '--replicas', '3', ...flags);
  await herve.untilAnswering('/echo/');
  const url = herve.url('/echo/');
  const rows = [];
  let ejectionsBefore = await countLines(herve, 'ejected after');
  const methods = process.argv.includes('--post-only') ? ['POST'] : ['GET', 'POST'];
  for (const method of methods) {
    console.log(`chaos (${label}): ${CHAOS_SECONDS} s of wrk (${method}), one replica killed every ${KILL_EVERY_MS / 1000} s…`);
    await herve.untilAnswering('/echo/');
    const load = wrk(url, { seconds: CHAOS_SECONDS, body: method === 'POST' ? POST_BODY : undefined });
    const kills = await killReplicas(herve, load);
    const result = await load;
    /** @type {{ name: string; status: string; restarts: number; instances: { status: string }[] }[]} */
    const services = await herve.services();
    const echo = services.find((service) => service.name === 'echo');
    console.log(`  echo after: ${echo?.status}, ${echo?.restarts} restarts, instances ${echo?.instances.map((instance) => instance.status).join(' ')}`);
    const total = result.requests + result.connect + result.read + result.write + result.timeout;
    const ejections = (await countLines(herve, 'ejected after')) - ejectionsBefore;
    ejectionsBefore += ejections;
    rows.push([
      `${method}, ${label}`,
      result.requests,
      result.failed,
      ratio(result.failed, total),
      kills,
      `${result.connect}/${result.read}/${result.write}/${result.timeout}`,
      result.non2xx,
      ejections,
    ]);
  }
  await herve.herve('unregister', 'echo');
  return rows;
}

/** Lines of echo's log matching `text` (the daemon's own lines about it included). */
async function countLines(herve, text) {
  const out = await herve.herve('logs', 'echo', '-n', '1000000', '--grep', text);
  return out.split('\n').filter((line) => line.includes(text)).length;
}

const herve = await startHerve();
try {
  const daemon = herve.daemonPid();
  if (MINUTES > 0) {
    await herve.herve('register', 'echo', '--replicas', '3');
    await herve.untilAnswering('/echo/');
    await soakFor(daemon, herve.url('/echo/'));
    await herve.herve('unregister', 'echo');
  }
  /** @type {(string | number)[][]} */
  const rows = [['chaos', 'requests', 'failed', 'failed ratio', 'replicas killed', 'socket errors c/r/w/t', 'non-2xx', 'ejections']];
  rows.push(...(await chaosRows(herve, 'passive health', [])));
  // The same run with passive health off (--max-fails 0), for comparison.
  if (!process.argv.includes('--passive-only')) rows.push(...(await chaosRows(herve, 'no passive health', ['--max-fails', '0'])));
  printTable(rows);
  console.log(
    `daemon after all: RSS ${rssMegabytes(daemon).toFixed(1)} MB, ${fdCount(daemon)} fds; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
  );
} finally {
  herve.down();
}
