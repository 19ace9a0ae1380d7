// @ts-check
// `npm run bench -- adopt`: kill -9 of the daemon under wrk, then `herve up`. Instance pids kept, log lines lost,
// failed requests, time from `herve up` to the front door answering, and what a monitor costs.
// Options: --rounds N (default 3), --seconds S of wrk per round (default 8).
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasCommand, median, printTable } from './lib.mjs';
import { monitorsOf, pssMegabytes, root, rssMegabytes, sleep, startHerve, wrk } from './reliability/harness.mjs';

/**
 * @param {string} name
 * @param {number} fallback
 */
const option = (name, fallback) => {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
};
const ROUNDS = option('rounds', 3);
const SECONDS = option('seconds', 8);

if (!hasCommand('wrk')) {
  console.log('SKIP: wrk is not installed (apt-get install -y wrk); nothing measured.');
  process.exit(0);
}

/**
 * Every `tick N` line in the ticker's log files: how many of 0..max are missing, how many twice.
 * @param {string} home
 */
function tickerLoss(home) {
  /** @type {Map<number, number>} */
  const seen = new Map();
  for (const file of readdirSync(join(home, 'logs')).filter((name) => name.startsWith('ticker.log'))) {
    for (const line of readFileSync(join(home, 'logs', file), 'utf8').split('\n')) {
      const match = / stdout \d+ tick (\d+)$/.exec(line);
      if (match) seen.set(Number(match[1]), (seen.get(Number(match[1])) ?? 0) + 1);
    }
  }
  const max = Math.max(-1, ...seen.keys());
  let lost = 0;
  /** @type {[number, number][]} */
  const ranges = [];
  for (let n = 0; n <= max; n++) {
    if (seen.has(n)) continue;
    lost++;
    const last = ranges.at(-1);
    if (last !== undefined && last[1] === n - 1) last[1] = n;
    else ranges.push([n, n]);
  }
  if (process.env.HERVE_BENCH_DEBUG) console.log('missing ticks', JSON.stringify(ranges));
  const twice = [...seen.values()].filter((count) => count > 1).length;
  return { lines: max + 1, lost, twice };
}

/**
 * Time from starting `herve up` until GET answers 200, and until `herve up` returns.
 * @param {Awaited<ReturnType<typeof startHerve>>} herve
 * @param {string} url
 */
async function timeUp(herve, url) {
  const started = performance.now();
  let upReturned = NaN;
  const up = herve.herve('up', '--port', String(herve.port)).then(() => (upReturned = performance.now() - started));
  let answered = NaN;
  let answeredAt = NaN;
  while (Number.isNaN(answered) && performance.now() - started < 20_000) {
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) {
      answered = performance.now() - started;
      answeredAt = Date.now();
    } else await sleep(2);
  }
  await up;
  return { answered, upReturned, fromDaemonStart: answeredAt - daemonStartedAt(herve.home) };
}

/**
 * When the newest daemon logged its first line (node is up, before any of Herve's work).
 * @param {string} home
 */
function daemonStartedAt(home) {
  const starts = readFileSync(join(home, 'daemon.log'), 'utf8')
    .split('\n')
    .filter((line) => / herve: starting \(pid /.test(line));
  return Date.parse(starts.at(-1)?.split(' ')[0] ?? '');
}

/** @type {(string | number)[][]} */
const rows = [
  [
    'round',
    'pids kept',
    'ticker lines',
    'lost',
    'twice',
    'wrk requests',
    'failed',
    '`herve up` → 200 (ms)',
    'daemon start → 200 (ms)',
    '`herve up` returns (ms)',
  ],
];
/** @type {number[]} */
const answeredTimes = [];
/** @type {number[]} */
const fromStartTimes = [];
/** @type {{ count: number; rss: number; pss: number; cpuTicks: number[][]; nodeRss: number; nodePss: number } | undefined} */
let monitorFacts;
for (let round = 1; round <= ROUNDS; round++) {
  const herve = await startHerve();
  try {
    await herve.herve('register', 'echo', '--replicas', '3');
    await herve.herve(
      'register',
      'command',
      '--name',
      'ticker',
      '--health',
      'none',
      '--env',
      'TICK_MS=2',
      '--',
      process.execPath,
      join(root, 'test/fixtures/counter.mjs'),
    );
    await herve.untilAnswering('/echo/');
    const before = [...(await herve.pidsOf('echo')), ...(await herve.pidsOf('ticker'))];
    if (!monitorFacts) {
      const monitors = herve.monitors();
      const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)']);
      if (idle.pid === undefined) throw new Error('node did not start');
      await sleep(1000);
      monitorFacts = {
        count: monitors.length,
        rss: median(monitors.map(rssMegabytes)),
        pss: median(monitors.map(pssMegabytes)),
        cpuTicks: monitors.map((pid) => (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ').slice(11, 13).map(Number)),
        nodeRss: rssMegabytes(idle.pid),
        nodePss: pssMegabytes(idle.pid),
      };
      idle.kill();
    }
    const load = wrk(herve.url('/echo/'), { seconds: SECONDS });
    await sleep(SECONDS * 300);
    process.kill(herve.daemonPid(), 'SIGKILL');
    await sleep(200);
    const { answered, upReturned, fromDaemonStart } = await timeUp(herve, herve.url('/echo/'));
    answeredTimes.push(answered);
    fromStartTimes.push(fromDaemonStart);
    const result = await load;
    const after = [...(await herve.pidsOf('echo')), ...(await herve.pidsOf('ticker'))];
    const kept = before.filter((pid, index) => after[index] === pid).length;
    await herve.herve('stop', 'ticker');
    await sleep(300);
    const loss = tickerLoss(herve.home);
    rows.push([
      round,
      `${kept}/${before.length}`,
      loss.lines,
      loss.lost,
      loss.twice,
      result.requests,
      result.failed,
      answered.toFixed(0),
      fromDaemonStart.toFixed(0),
      upReturned.toFixed(0),
    ]);
  } finally {
    const home = herve.home;
    if (process.env.HERVE_BENCH_DEBUG) spawnSync('sh', ['-c', `cp -r ${home} /tmp/adopt-debug-home`]);
    herve.down();
    const left = monitorsOf(home).length;
    if (left > 0) console.log(`round ${round}: ${left} monitor(s) left after herve down`);
  }
}
printTable(rows);
console.log(
  `median \`herve up\` → first 200 through the front door: ${median(answeredTimes).toFixed(0)} ms (${median(fromStartTimes).toFixed(0)} ms from the daemon's first log line)`,
);
console.log(`load average during the run: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
if (monitorFacts === undefined) throw new Error('no round ran');
console.log(
  `monitor (/bin/sh): median RSS ${monitorFacts.rss.toFixed(2)} MB, PSS ${monitorFacts.pss.toFixed(2)} MB over ${monitorFacts.count} monitors, ` +
    `CPU ticks used (utime, stime) ${JSON.stringify(monitorFacts.cpuTicks)}; an idle node process: RSS ${monitorFacts.nodeRss.toFixed(1)} MB, PSS ${monitorFacts.nodePss.toFixed(1)} MB`,
);
console.log('failed requests include the refusals while no daemon listens (kill -9, 200 ms pause, then herve up).');
