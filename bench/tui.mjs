// @ts-check
// `npm run bench -- tui`: what the dashboard costs. Not a test: it prints figures.
//  1. in-process render cost per update with 50 services and a log flood (null terminal, 160x45);
//  2. the real `herve tui` and the real `pm2 monit` side by side (tmux, 160x45), each against its own
//     daemon with 10 echo services, a fresh dashboard process per reading, interleaved rounds:
//     RSS and CPU medians and their ratios to pm2 monit's;
//  3. `herve tui` under a 5,000 lines/s flood, and the daemon's CPU with and without it.
// `--rounds N` (default 5), `--seconds S` per window (default 10), `--compare DIR` adds another
// Herve build (a checkout with dist/ built) as a side, `--no-render` and `--no-flood` skip parts 1 and 3;
// `--where` only shows where each dashboard's memory goes (bench/tui-where.mjs).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureDebianTools, ensurePm2, median, pm2Bin, pm2WithEchoApps, printTable, targetMet } from './lib.mjs';

// As `herve tui` does (cli/tui/run.tsx): React's production build.
process.env.NODE_ENV ??= 'production';
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: process.env.BENCH_WINDOW_SECONDS ?? '10' },
    compare: { type: 'string' },
    'no-flood': { type: 'boolean', default: false },
    'no-render': { type: 'boolean', default: false },
    where: { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const pct = (/** @type {number} */ value) => `${value.toFixed(1)}%`;
const mb = (/** @type {number} */ value) => `${value.toFixed(1)} MB`;
// A V8 tuned for size, on top of what `herve tui` sets at run time (cli/tui/run.tsx): what it would buy and cost.
const SLIM_FLAGS = ['--optimize-for-size'];

async function main() {
  if (!existsSync(join(root, 'dist/cli/tui/Dashboard.js'))) throw new Error('build first: npm run build');
  if (!values['no-render']) await renderCost();
  if (!ensureDebianTools(['tmux'], ['tmux'])) return;
  const tui = await import('./tui-process.mjs');
  const server = tui.tmuxServer();
  const daemon = await tui.herveDaemonWithEcho(tui.SERVICES);
  try {
    if (values.where) return await where(tui, server, daemon);
    if (ensurePm2()) await sideBySide(tui, server, daemon);
    if (!values['no-flood']) await flood(tui, server, daemon);
  } finally {
    server.close();
    await daemon.stop();
  }
}

async function renderCost() {
  const { renderBenchmark } = await import('./tui-render.mjs');
  const render = await renderBenchmark();
  console.log('\nRender cost per update, 50 services (in-process, null terminal 160x45, unthrottled):');
  printTable([
    ['update', 'median', 'p95'],
    ...render.results.map((result) => [result.label, `${result.medianMs.toFixed(1)} ms`, `${result.p95Ms.toFixed(1)} ms`]),
  ]);
  const { sustained } = render;
  console.log(
    `Sustained flood (100 ms batches, 10 fps): ${sustained.linesPerSecond} lines/s in → ${sustained.writesPerSecond.toFixed(1)} terminal writes/s, ` +
      `${pct(sustained.cpuPercent)} CPU (feeder included), heap ${sustained.heapMb.toFixed(0)} MB`,
  );
}

/**
 * @param {typeof import('./tui-process.mjs')} tui
 * @param {ReturnType<typeof import('./tui-process.mjs').tmuxServer>} server
 * @param {Awaited<ReturnType<typeof import('./tui-process.mjs').herveDaemonWithEcho>>} daemon
 */
async function where(tui, server, daemon) {
  if (!ensurePm2()) return;
  const { whereItGoes } = await import('./tui-where.mjs');
  const pm2 = await pm2WithEchoApps(tui.SERVICES);
  try {
    const sides = [tui.herveTui(daemon, 'herve tui')];
    if (values.compare) sides.push(tui.herveTui(daemon, `herve tui (${values.compare})`, [], join(values.compare, 'dist/cli/main.cjs')));
    await whereItGoes(server, [...sides, tui.pm2Monit(pm2, pm2Bin)]);
  } finally {
    pm2.stop();
  }
}

/**
 * @param {typeof import('./tui-process.mjs')} tui
 * @param {ReturnType<typeof import('./tui-process.mjs').tmuxServer>} server
 * @param {Awaited<ReturnType<typeof import('./tui-process.mjs').herveDaemonWithEcho>>} daemon
 */
async function sideBySide(tui, server, daemon) {
  const pm2 = await pm2WithEchoApps(tui.SERVICES);
  try {
    const sides = [tui.herveTui(daemon, 'herve tui')];
    if (values.compare) sides.push(tui.herveTui(daemon, `herve tui (${values.compare})`, [], join(values.compare, 'dist/cli/main.cjs')));
    sides.push(tui.herveTui(daemon, `herve tui, node ${SLIM_FLAGS.join(' ')}`, SLIM_FLAGS));
    const monit = tui.pm2Monit(pm2, pm2Bin);
    sides.push(monit);
    /** @type {Map<string, Awaited<ReturnType<typeof tui.measureDashboard>>[]>} */
    const readings = new Map(sides.map((side) => [side.label, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const side of sides) {
        const reading = await tui.measureDashboard(server, side, SECONDS);
        readings.get(side.label)?.push(reading);
        console.log(`round ${round}: ${side.label} ${mb(reading.rss)}, ${pct(reading.cpu[0] ?? Number.NaN)} CPU`);
      }
    }
    const medianOf = (/** @type {string} */ label, /** @type {(reading: Awaited<ReturnType<typeof tui.measureDashboard>>) => number} */ pick) =>
      median((readings.get(label) ?? []).map(pick));
    const pm2Rss = medianOf(monit.label, (reading) => reading.rss);
    const pm2Cpu = medianOf(monit.label, (reading) => reading.cpu[0] ?? Number.NaN);
    console.log(
      `\nDashboards idle, 10 services each (tmux 160x45), ${SECONDS} s windows ${tui.SETTLE_MS / 1000} s after ready, medians of ${ROUNDS} interleaved rounds (a fresh process each):`,
    );
    const rows = [['', 'RSS (window medians)', 'min – max', 'anonymous', 'file-backed', 'RSS vs pm2', 'CPU', 'CPU vs pm2', 'its daemon CPU']];
    for (const side of sides) {
      const rss = (readings.get(side.label) ?? []).map((reading) => reading.rss);
      const isPm2 = side === monit;
      const sideRss = medianOf(side.label, (reading) => reading.rss);
      const sideCpu = medianOf(side.label, (reading) => reading.cpu[0] ?? Number.NaN);
      rows.push([
        side.label,
        mb(sideRss),
        `${Math.min(...rss).toFixed(1)} – ${Math.max(...rss).toFixed(1)}`,
        mb(medianOf(side.label, (reading) => reading.anon)),
        mb(medianOf(side.label, (reading) => reading.file)),
        isPm2 ? '' : `${(sideRss / pm2Rss).toFixed(2)} (${targetMet(sideRss / pm2Rss, 1)})`,
        pct(sideCpu),
        isPm2 ? '' : `${(sideCpu / pm2Cpu).toFixed(2)} (${targetMet(sideCpu / pm2Cpu, 0.5)})`,
        pct(medianOf(side.label, (reading) => reading.cpu[1] ?? Number.NaN)),
      ]);
    }
    printTable(rows);
  } finally {
    pm2.stop();
  }
}

/**
 * @param {typeof import('./tui-process.mjs')} tui
 * @param {ReturnType<typeof import('./tui-process.mjs').tmuxServer>} server
 * @param {Awaited<ReturnType<typeof import('./tui-process.mjs').herveDaemonWithEcho>>} daemon
 */
async function flood(tui, server, daemon) {
  const figures = await tui.floodBenchmark(server, daemon, SECONDS);
  console.log(`\n\`herve tui\` under a log flood, against the daemon with 10 services (${SECONDS} s windows):`);
  printTable([
    ['', 'herve tui CPU', 'herve tui RSS, median (max)', 'daemon CPU'],
    ['daemon alone, idle', '', '', pct(figures.daemonIdleAlone)],
    [
      'tui attached, 5,000 lines/s',
      pct(figures.flood.cpu[0] ?? Number.NaN),
      `${mb(figures.flood.rss)} (max ${figures.flood.rssMax.toFixed(0)})`,
      pct(figures.flood.cpu[1] ?? Number.NaN),
    ],
    ['daemon alone, 5,000 lines/s', '', '', pct(figures.daemonFloodAlone)],
  ]);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
