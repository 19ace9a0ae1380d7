// `npm run bench -- modules`: what each package the daemon loads at start costs in RSS, alone over a
// bare node and cumulatively in the daemon's order, each in a fresh process (after a full GC), rounds
// interleaved, medians; then the daemon's whole module graph; then the dashboard's packages alone and
// in `herve tui`'s order (the full CLI program, zod, react, ink, the dashboard's own chunk).
// BENCH_ROUNDS=5 changes the run.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { median, printTable } from './lib.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const dist = (path) => pathToFileURL(join(root, 'dist', path)).href;

/** The packages the daemon's start loads, in the order its imports reach them. */
const DAEMON_PACKAGES = ['zod', 'better-sqlite3', 'chokidar', 'undici', 'http-proxy'];
/** Packages the daemon no longer loads at start (execa: node:child_process instead; re2: on the first --grep). */
const FORMER_PACKAGES = ['execa', 're2'];
/** The dashboard's packages; ink brings react-reconciler, yoga-layout (wasm) and chalk. */
const DASHBOARD_PACKAGES = ['commander', 'react', 'react-reconciler', 'yoga-layout', 'chalk', 'ink'];
const dashboardChunk = readdirSync(join(root, 'dist/cli/chunks')).find((name) => name.startsWith('launch-'));
/** What `herve tui` loads, in its order: the full CLI program (commander), zod, react, ink, the dashboard. */
const DASHBOARD_STEPS = [
  ['the full CLI program (dist/cli/full.js)', dist('cli/full.js')],
  ['zod', 'zod'],
  ['react', 'react'],
  ['ink', 'ink'],
  ['the dashboard (dist/cli/chunks/launch-*.js)', dist(`cli/chunks/${dashboardChunk}`)],
];
const WHOLE = [
  ['the daemon’s module graph (dist/daemon/startup/start-daemon.js)', [dist('daemon/startup/start-daemon.js')]],
  ['the dashboard’s packages (ink, react)', ['ink', 'react']],
  ['the protocol alone (dist/protocol, zod included)', [dist('protocol/index.js')]],
];

const PROBE = `
for (const specifier of process.argv.slice(1)) await import(specifier);
globalThis.gc();
const { rss, heapUsed } = process.memoryUsage();
console.log(JSON.stringify({ rss, heapUsed }));
`;

function footprint(specifiers) {
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', PROBE, ...specifiers], {
    cwd: root,
    encoding: 'utf8',
    // As `herve tui` runs: React's production build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return JSON.parse(out);
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);

function main() {
  const cases = [['bare node', []]];
  for (const name of [...DAEMON_PACKAGES, ...FORMER_PACKAGES]) cases.push([`${name} alone`, [name]]);
  DAEMON_PACKAGES.forEach((name, i) => {
    cases.push([`+ ${name}`, DAEMON_PACKAGES.slice(0, i + 1)]);
  });
  FORMER_PACKAGES.forEach((name, i) => {
    cases.push([`+ ${name} (before)`, [...DAEMON_PACKAGES, ...FORMER_PACKAGES.slice(0, i + 1)]]);
  });
  cases.push(...WHOLE);
  for (const name of DASHBOARD_PACKAGES) cases.push([`${name} alone`, [name]]);
  DASHBOARD_STEPS.forEach(([label], i) => {
    cases.push([`+ ${label} (dashboard)`, DASHBOARD_STEPS.slice(0, i + 1).map(([, specifier]) => specifier)]);
  });
  const samples = cases.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    cases.forEach(([, specifiers], i) => {
      samples[i].push(footprint(specifiers));
    });
  }
  const figures = samples.map((runs) => ({
    rss: median(runs.map((run) => run.rss)),
    heap: median(runs.map((run) => run.heapUsed)),
  }));
  const bare = figures[0];
  const rows = [['loaded', 'RSS', 'over bare node', 'heap used']];
  let previous = bare.rss;
  let previousWasDashboard = false;
  cases.forEach(([label], i) => {
    const { rss, heap } = figures[i];
    const cumulative = label.startsWith('+ ');
    if (label.endsWith('(dashboard)') && !previousWasDashboard) previous = bare.rss;
    previousWasDashboard = label.endsWith('(dashboard)');
    const delta = cumulative ? rss - previous : rss - bare.rss;
    if (cumulative) previous = rss;
    rows.push([label, `${mb(rss)} MB`, i === 0 ? '' : `${delta >= 0 ? '+' : ''}${mb(delta)} MB${cumulative ? ' (step)' : ''}`, `${mb(heap)} MB`]);
  });
  console.log(`RSS after import and a full GC, medians of ${ROUNDS} interleaved rounds:`);
  printTable(rows);
}

main();
