// @ts-check
// Herve vs PM2, side by side in one run: CLI wall time, daemon RSS and idle CPU,
// kill -9 to answering again, a 200k-line log flood and reading its last 1000 lines.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuPercentOver, ensureDebianTools, ensurePm2, freePort, median, pm2Bin, printTable, rssMegabytes, run, sleep, targetMet, waitUntil } from './lib.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const herveBin = join(root, 'dist/cli/main.cjs');
const echoScript = join(root, 'dist/services/echo/main.js');
const floodScript = join(root, 'bench/fixtures/flood.mjs');
const SERVICES = 10;
const FLOOD_LINES = 200_000;

/** @param {string} url */
async function getJson(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(500) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

const CLI_ROUNDS = 4;
const RUNS_PER_ROUND = 5;

/**
 * Each command's wall time (ms): hyperfine in CLI_ROUNDS rounds, the commands' order reversed every
 * other round, so a machine busy for a while weighs on all of them alike. Returns the median of the
 * round medians of each command, and `ratios`: the first command over the second, each round's.
 * @param {string} label
 * @param {string[]} commands
 * @param {string[]} options
 * @param {NodeJS.ProcessEnv & { BENCH_TMP: string }} env
 * @returns {{ medians: number[]; ratios: number[] }}
 */
function hyperfine(label, commands, options, env) {
  /** @type {number[][]} */
  const perCommand = commands.map(() => []);
  /** @type {number[]} */
  const ratios = [];
  for (let round = 0; round < CLI_ROUNDS; round++) {
    const order = round % 2 === 0 ? commands.map((_, index) => index) : commands.map((_, index) => commands.length - 1 - index);
    const exportFile = join(env.BENCH_TMP, `${label}-${round}.json`);
    const args = ['--warmup', '1', '--runs', String(RUNS_PER_ROUND), '--export-json', exportFile, ...options, ...order.map((index) => commands[index] ?? '')];
    const result = spawnSync('hyperfine', args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) throw new Error(`hyperfine ${label} failed`);
    const { results } = JSON.parse(readFileSync(exportFile, 'utf8'));
    /** @type {number[]} */
    const times = [];
    order.forEach((command, position) => {
      times[command] = results[position].median * 1000;
    });
    for (const [command, ms] of times.entries()) perCommand[command]?.push(ms);
    if (times.length > 1) ratios.push((times[0] ?? 0) / (times[1] ?? 1));
  }
  return { medians: perCommand.map((times) => median(times)), ratios };
}

/** @param {string[]} files */
function countFloodLines(files) {
  let count = 0;
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    count += text.match(/flood line \d+/g)?.length ?? 0;
  }
  return count;
}

/** @param {string} home */
function herveLogFiles(home) {
  const dir = join(home, 'logs');
  return readdirSync(dir)
    .filter((name) => name.startsWith('flood.log'))
    .map((name) => join(dir, name));
}

async function main() {
  if (!existsSync(herveBin) || !existsSync(echoScript)) throw new Error('build first: npm run build');
  const haveHyperfine = ensureDebianTools(['hyperfine'], ['hyperfine']);
  const havePm2 = ensurePm2();
  const tmp = mkdtempSync('/tmp/hvbench-');
  const herveHome = join(tmp, 'h');
  const pm2Home = join(tmp, 'p');
  const proxyPort = await freePort();
  const env = { ...process.env, HERVE_HOME: herveHome, PM2_HOME: pm2Home, BENCH_TMP: tmp, NO_COLOR: '1' };
  const herve = (/** @type {string[]} */ ...args) => run(process.execPath, [herveBin, ...args], env);
  const pm2 = (/** @type {string[]} */ ...args) => run(process.execPath, [pm2Bin, ...args], env);
  /** @type {(string | number)[][]} */
  const rows = [['measure', 'herve', 'pm2', 'herve/pm2', 'target']];
  const ratio = (/** @type {number[]} */ ...[a = 0, b = 0]) => (b ? (a / b).toFixed(2) : '–');
  /** A CLI command's row: herve/pm2 wall time against its target, met or missed. */
  /** A CLI command's row: herve/pm2 wall time (the median of the rounds' ratios) against its target. */
  const cliRow = (/** @type {string} */ label, /** @type {{ medians: number[]; ratios: number[] }} */ timed, /** @type {number | undefined} */ target) => {
    const [herveMs = 0, pm2Ms = 0] = timed.medians;
    const herveOverPm2 = timed.ratios.length > 0 ? median(timed.ratios) : 0;
    const verdict = target === undefined || !herveOverPm2 ? '' : `≤ ${target} — ${herveOverPm2 <= target ? 'met' : 'missed'}`;
    rows.push([label, herveMs.toFixed(0), pm2Ms ? pm2Ms.toFixed(0) : '–', herveOverPm2 ? herveOverPm2.toFixed(2) : '–', verdict]);
  };

  try {
    herve('up', '--port', String(proxyPort));
    const herveDaemon = Number(readFileSync(join(herveHome, 'herve.pid'), 'utf8'));
    let pm2Daemon = 0;
    if (havePm2) {
      pm2('ping');
      pm2Daemon = Number(readFileSync(join(pm2Home, 'pm2.pid'), 'utf8'));
    }
    const rssEmpty = [rssMegabytes(herveDaemon), havePm2 ? rssMegabytes(pm2Daemon) : 0];
    rows.push(['daemon RSS, 0 services (MB)', rssEmpty[0].toFixed(1), rssEmpty[1].toFixed(1), ratio(...rssEmpty), '']);

    console.log(`starting ${SERVICES} echo services under each…`);
    /** @type {number[]} */
    const pm2Ports = [];
    for (let i = 0; i < SERVICES; i++) {
      herve('register', 'echo', '--name', `e${i}`);
      if (havePm2) {
        const port = await freePort();
        pm2Ports.push(port);
        run(process.execPath, [pm2Bin, 'start', echoScript, '--name', `p${i}`], { ...env, PORT: String(port) });
      }
    }
    for (let i = 0; i < SERVICES; i++) {
      await waitUntil(async () => (await getJson(`http://127.0.0.1:${proxyPort}/e${i}/health`)) === 200, 15000, `herve e${i}`);
      if (havePm2) await waitUntil(async () => (await getJson(`http://127.0.0.1:${pm2Ports[i]}/health`)) === 200, 15000, `pm2 p${i}`);
    }
    await sleep(3000);
    const rssTen = [rssMegabytes(herveDaemon), havePm2 ? rssMegabytes(pm2Daemon) : 0];
    rows.push([
      `daemon RSS, ${SERVICES} echo (MB)`,
      rssTen[0].toFixed(1),
      rssTen[1].toFixed(1),
      ratio(...rssTen),
      havePm2 ? targetMet(rssTen[0] / rssTen[1], 1) : '≤ 1',
    ]);
    console.log('measuring idle CPU of both daemons over the same 20 s…');
    const idle = await cpuPercentOver(havePm2 ? [herveDaemon, pm2Daemon] : [herveDaemon], 20);
    rows.push([`daemon CPU idle, ${SERVICES} echo (%)`, idle[0].toFixed(2), (idle[1] ?? 0).toFixed(2), ratio(idle[0], idle[1]), '≤ 1']);

    if (haveHyperfine) {
      console.log('timing CLI commands with hyperfine…');
      const pm2Cmd = `${process.execPath} ${pm2Bin}`;
      const herveCmd = `${process.execPath} ${herveBin}`;
      // Node's own start, the floor under every CLI command, in the same run as `ls`.
      const ls = hyperfine('ls', [`${herveCmd} ls`, ...(havePm2 ? [`${pm2Cmd} ls`] : []), `${process.execPath} -e 0`], [], env);
      const nodeAlone = ls.medians[ls.medians.length - 1] ?? 0;
      cliRow('`ls` wall time (ms)', havePm2 ? ls : { medians: [ls.medians[0] ?? 0], ratios: [] }, 0.5);
      rows.push([
        '`node -e 0` (Node alone, ms)',
        nodeAlone.toFixed(0),
        havePm2 ? (ls.medians[1] ?? 0).toFixed(0) : '–',
        ratio(nodeAlone, havePm2 ? ls.medians[1] : 0),
        '',
      ]);
      const start = hyperfine(
        'start',
        [`${herveCmd} start e0`, ...(havePm2 ? [`${pm2Cmd} start p0`] : [])],
        ['--prepare', `${herveCmd} stop e0 >/dev/null; ${havePm2 ? `${pm2Cmd} stop p0 >/dev/null` : 'true'}`],
        env,
      );
      cliRow('`start` (waits for health) (ms)', start, undefined);
      // herve start waits until the service answers its health check; pm2 start returns once spawned.
      const spawnOnly = hyperfine(
        'start-no-wait',
        [`${herveCmd} start e0 --no-wait`, ...(havePm2 ? [`${pm2Cmd} start p0`] : [])],
        ['--prepare', `${herveCmd} stop e0 >/dev/null; ${havePm2 ? `${pm2Cmd} stop p0 >/dev/null` : 'true'}`],
        env,
      );
      cliRow('`start --no-wait` (ms)', spawnOnly, 0.5);
      const stop = hyperfine(
        'stop',
        [`${herveCmd} stop e0`, ...(havePm2 ? [`${pm2Cmd} stop p0`] : [])],
        ['--prepare', `${herveCmd} start e0 >/dev/null; ${havePm2 ? `${pm2Cmd} start p0 >/dev/null` : 'true'}`],
        env,
      );
      cliRow('`stop` wall time (ms)', stop, 0.5);
      herve('start', 'e0');
      if (havePm2) pm2('start', 'p0');
    }

    console.log('kill -9 of a service until it answers again, 5 rounds each, interleaved…');
    /** @type {{ herve: number[]; pm2: number[] }} */
    const recovery = { herve: [], pm2: [] };
    for (let round = 0; round < 5; round++) {
      const list = JSON.parse(herve('ls', '--json'));
      const services = Array.isArray(list) ? list : list.services;
      /** @type {{ name: string; instances: { pid: number }[] }[]} */
      const listed = services;
      const pid = listed.find((service) => service.name === 'e1')?.instances[0]?.pid;
      if (pid === undefined) throw new Error('e1 has no instance to kill');
      recovery.herve.push(await timeRecovery(pid, `http://127.0.0.1:${proxyPort}/e1/health`));
      if (havePm2) {
        const pm2Pid = Number(pm2('pid', 'p1').trim());
        recovery.pm2.push(await timeRecovery(pm2Pid, `http://127.0.0.1:${pm2Ports[1]}/health`));
      }
      await sleep(1500);
    }
    const kill = [median(recovery.herve), havePm2 ? median(recovery.pm2) : 0];
    rows.push(['kill -9 to answering (ms)', kill[0].toFixed(0), kill[1].toFixed(0), ratio(...kill), '≤ 1']);

    console.log(`flooding ${FLOOD_LINES} lines into each…`);
    herve('register', 'command', '--name', 'flood', '--health', 'none', '--', process.execPath, floodScript, String(FLOOD_LINES));
    if (havePm2) pm2('start', floodScript, '--name', 'flood', '--', String(FLOOD_LINES));
    const pm2FloodLog = join(pm2Home, 'logs', 'flood-out.log');
    await waitUntil(async () => countFloodLines(herveLogFiles(herveHome)) >= FLOOD_LINES, 60000, 'herve flood log').catch(() => undefined);
    if (havePm2) await waitUntil(async () => countFloodLines([pm2FloodLog]) >= FLOOD_LINES, 60000, 'pm2 flood log').catch(() => undefined);
    await sleep(1000);
    const captured = [countFloodLines(herveLogFiles(herveHome)), havePm2 ? countFloodLines([pm2FloodLog]) : 0];
    rows.push([`flood lines lost of ${FLOOD_LINES}`, FLOOD_LINES - captured[0], havePm2 ? FLOOD_LINES - captured[1] : '–', '', '0']);
    if (haveHyperfine) {
      const pm2Cmd = `${process.execPath} ${pm2Bin}`;
      const logs = hyperfine(
        'logs',
        [`${process.execPath} ${herveBin} logs flood -n 1000`, ...(havePm2 ? [`${pm2Cmd} logs flood --lines 1000 --nostream`] : [])],
        [],
        env,
      );
      cliRow('`logs -n 1000` wall time (ms)', logs, 0.5);
    }
  } finally {
    spawnSync(process.execPath, [herveBin, 'down'], { env, stdio: 'ignore' });
    if (havePm2) spawnSync(process.execPath, [pm2Bin, 'kill'], { env, stdio: 'ignore' });
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log('');
  printTable(rows);
}

/**
 * @param {number} pid
 * @param {string} url
 */
async function timeRecovery(pid, url) {
  const started = performance.now();
  process.kill(pid, 'SIGKILL');
  await waitUntil(async () => (await getJson(url)) === 200, 20000, `${url} after kill -9`);
  return performance.now() - started;
}

main().catch((error) => {
  console.error(`bench failed: ${error.message}`);
  process.exitCode = 1;
});
