// @ts-check
// `npm run bench -- tui`: what the dashboard costs. Not a test: it prints figures.
//  1. in-process render cost per update with 50 services and a log flood (null terminal, 160x45);
//  2. the real `herve tui` process (tmux, 160x45) against a real daemon with 10 services:
//     CPU % and RSS idle and under a 5,000 lines/s flood, and the daemon's CPU with and without it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianTools, printTable } from './lib.mjs';

// As `herve tui` does (cli/tui/run.tsx): React's production build.
process.env.NODE_ENV ??= 'production';
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const PM2_MONIT = { cpu: 8.3, rssMb: 83, daemonBefore: 0.7, daemonAfter: 1.3 };
const pct = (/** @type {number} */ value) => `${value.toFixed(1)}%`;
// `herve tui` already keeps V8's young generation at 1 MB semi-spaces (cli/tui/run.tsx); this
// row shows what the next step, a V8 tuned for size, would buy and cost.
const SLIM_FLAGS = ['--optimize-for-size'];
/** RSS is sampled through each window: median (max). */
const rss = (/** @type {number} */ median, /** @type {number} */ max) => `${median.toFixed(0)} MB (max ${max.toFixed(0)})`;

async function main() {
  if (!existsSync(join(root, 'dist/cli/tui/Dashboard.js'))) throw new Error('build first: npm run build');
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

  if (!ensureDebianTools(['tmux'], ['tmux'])) return;
  const { processBenchmark } = await import('./tui-process.mjs');
  const real = await processBenchmark();
  const slim = await processBenchmark(SLIM_FLAGS);
  console.log('\n`herve tui` process against a real daemon with 10 services (tmux 160x45, 10 s windows):');
  printTable([
    ['', 'herve tui CPU', 'herve tui RSS, median (max)', 'daemon CPU'],
    ['daemon alone, idle', '', '', pct(real.daemonIdleAlone)],
    ['tui attached, idle', pct(real.tuiIdle), rss(real.tuiIdleRss, real.tuiIdleRssMax), pct(real.daemonIdleWithTui)],
    ['tui attached, 5,000 lines/s', pct(real.tuiFlood), rss(real.tuiFloodRss, real.tuiFloodRssMax), pct(real.daemonFloodWithTui)],
    ['daemon alone, 5,000 lines/s', '', '', pct(real.daemonFloodAlone)],
    [`node ${SLIM_FLAGS.join(' ')}: idle`, pct(slim.tuiIdle), rss(slim.tuiIdleRss, slim.tuiIdleRssMax), pct(slim.daemonIdleWithTui)],
    [`node ${SLIM_FLAGS.join(' ')}: 5,000 lines/s`, pct(slim.tuiFlood), rss(slim.tuiFloodRss, slim.tuiFloodRssMax), pct(slim.daemonFloodWithTui)],
    ['pm2 monit, 10 apps (reference)', pct(PM2_MONIT.cpu), `${PM2_MONIT.rssMb} MB`, `${PM2_MONIT.daemonBefore}% → ${PM2_MONIT.daemonAfter}%`],
  ]);
  const cpuTarget = PM2_MONIT.cpu / 2;
  console.log(
    `targets: idle CPU ≤ ${cpuTarget.toFixed(2)}% → ${real.tuiIdle <= cpuTarget ? 'met' : 'MISSED'}; ` +
      `RSS ≤ ${PM2_MONIT.rssMb} MB → ${real.tuiIdleRss <= PM2_MONIT.rssMb ? 'met' : 'MISSED'}; ` +
      `daemon idle ${pct(real.daemonIdleAlone)} alone vs ${pct(real.daemonIdleWithTui)} with the dashboard`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
