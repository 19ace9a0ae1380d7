// @ts-check
// `npm run bench -- memory`: the daemon's RSS with 10 echo services against PM2's God daemon with the
// same 10, in interleaved rounds (a fresh daemon of each per round; a single reading swings by about
// 10 MB), medians, and the ratio against its target. `--compare DIR` adds another Herve build (a
// checkout with dist/ built) as a row, to measure a change side by side. `--rounds N` (default 5).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { answers, ensurePm2, freePort, median, pm2WithEchoApps, printTable, residentMegabytes, sleep, targetMet, waitUntil } from './lib.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const SERVICES = 10;
const SETTLE_MS = 3000;
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, compare: { type: 'string' } } });
const ROUNDS = Number(values.rounds);

/** A fresh Herve daemon of the build in `checkout`, 10 echo services ready, its RSS. @param {string} checkout */
async function herveRound(checkout) {
  const home = mkdtempSync('/tmp/hvmem-');
  const env = { ...process.env, HERVE_HOME: home, NO_COLOR: '1' };
  const cli = join(checkout, 'dist/cli/main.js');
  const herve = (/** @type {string[]} */ ...args) => execFileSync(process.execPath, [cli, ...args], { env, stdio: 'ignore' });
  const port = await freePort();
  try {
    herve('up', '--port', String(port));
    const pid = Number(readFileSync(join(home, 'herve.pid'), 'utf8'));
    for (let i = 0; i < SERVICES; i++) herve('register', 'echo', '--name', `e${i}`);
    for (let i = 0; i < SERVICES; i++) await waitUntil(() => answers(port, `/e${i}/health`), 15000, `herve e${i}`);
    await sleep(SETTLE_MS);
    return residentMegabytes(pid);
  } finally {
    spawnSync(process.execPath, [cli, 'down'], { env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  }
}

/** A fresh PM2 God daemon, the same 10 echo services online, its RSS. */
async function pm2Round() {
  const pm2 = await pm2WithEchoApps(SERVICES);
  try {
    await sleep(SETTLE_MS);
    return residentMegabytes(pm2.pid);
  } finally {
    pm2.stop();
  }
}

async function main() {
  if (!ensurePm2()) return;
  const compare = values.compare;
  /** @type {[string, () => Promise<{ rss: number; anon: number; file: number }>][]} */
  const sides = [['herve', () => herveRound(root)]];
  if (compare) sides.push([`herve (${compare})`, () => herveRound(compare)]);
  sides.push(['pm2 God daemon', pm2Round]);
  const samples = sides.map(() => /** @type {{ rss: number; anon: number; file: number }[]} */ ([]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [label, measure]] of sides.entries()) {
      const reading = await measure();
      samples[i]?.push(reading);
      console.log(`round ${round + 1}: ${label} ${reading.rss.toFixed(1)} MB`);
    }
  }
  const medianOf = (/** @type {number} */ i, /** @type {'rss' | 'anon' | 'file'} */ key) => median((samples[i] ?? []).map((reading) => reading[key]));
  const pm2Rss = medianOf(sides.length - 1, 'rss');
  const rows = [['daemon, 10 echo', 'RSS median', 'min – max', 'anonymous', 'file-backed', 'vs pm2', 'target']];
  sides.forEach(([label], i) => {
    const rss = (samples[i] ?? []).map((reading) => reading.rss);
    const isPm2 = i === sides.length - 1;
    rows.push([
      label,
      `${medianOf(i, 'rss').toFixed(1)} MB`,
      `${Math.min(...rss).toFixed(1)} – ${Math.max(...rss).toFixed(1)}`,
      `${medianOf(i, 'anon').toFixed(1)} MB`,
      `${medianOf(i, 'file').toFixed(1)} MB`,
      isPm2 ? '' : (medianOf(i, 'rss') / pm2Rss).toFixed(2),
      isPm2 ? '' : targetMet(medianOf(i, 'rss') / pm2Rss, 1),
    ]);
  });
  console.log(`\nRSS ${SETTLE_MS / 1000} s after 10 echo services answer, medians of ${ROUNDS} interleaved rounds (a fresh daemon each):`);
  printTable(rows);
}

main().catch((error) => {
  console.error(`bench failed: ${error.message}`);
  process.exitCode = 1;
});
