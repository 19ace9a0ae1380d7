// `npm run bench -- scale`: how Herve's cost grows with 1, 10, 100 and 500 registered services
// (`sleep 3600` each, no probe, no route): daemon RSS and fds, idle CPU (and again once a new
// daemon has adopted every instance after a kill -9), the size of one stats event, `herve ls` wall
// and CPU time beside `node -e 0`, `herve up` with everything registered until all run again, and
// the dashboard's render time per stats event (in-process, as `bench -- tui` measures it).
// BENCH_SCALE_SIZES=1,10,100,500  BENCH_IDLE_SECONDS=10  BENCH_LS_ROUNDS=5 change the run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isProcessAlive } from '../dist/platform/proc.js';
import { cpuPercentOver, ensureDebianTools, freePort, median, printTable, rssMegabytes, run, sleep, socketClient, waitUntil } from './lib.mjs';

// As `herve tui` does: React's production build, set before the render benchmark loads it.
process.env.NODE_ENV ??= 'production';
const root = dirname(dirname(fileURLToPath(import.meta.url)));
const herveBin = join(root, 'dist/cli/main.cjs');
const SIZES = (process.env.BENCH_SCALE_SIZES ?? '1,10,100,500').split(',').map(Number);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 10);
const LS_ROUNDS = Number(process.env.BENCH_LS_ROUNDS ?? 5);
const REGISTER_BATCH = 25;
const LS_LIMIT_MS = 300;
const RENDER_LIMIT_MS = 50;

const fds = (pid) => readdirSync(`/proc/${pid}/fd`).length;

async function registerAll(client, count) {
  for (let first = 0; first < count; first += REGISTER_BATCH) {
    const batch = Array.from({ length: Math.min(REGISTER_BATCH, count - first) }, (_, i) =>
      client.call('register', {
        type: 'command',
        name: `s${first + i}`,
        command: 'sleep',
        args: ['3600'],
        health: { path: null },
        route: false,
      }),
    );
    await Promise.all(batch);
  }
}

async function allRunning(client, count) {
  const { services } = await client.call('list');
  return services.length === count && services.every((service) => service.status === 'running');
}

/**
 * `herve ls` and a bare `node -e 0` (the anchor: Node's own start) in one hyperfine run: median wall
 * time and mean CPU (user + sys) of each. CPU is the steadier figure on a loaded machine.
 */
function timeLs(env, home) {
  const exportFile = join(home, 'ls.json');
  const commands = [`${process.execPath} ${herveBin} ls`, `${process.execPath} -e 0`];
  const args = ['-N', '--warmup', '1', '--runs', String(LS_ROUNDS), '--export-json', exportFile, ...commands];
  const result = spawnSync('hyperfine', args, { env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error('hyperfine failed on herve ls');
  const [ls, node] = JSON.parse(readFileSync(exportFile, 'utf8')).results;
  const cpu = (entry) => (entry.user + entry.system) * 1000;
  return { ls: ls.median * 1000, lsCpu: cpu(ls), node: node.median * 1000, nodeCpu: cpu(node) };
}

/** kill -9 of the daemon, then `herve up`: the new one adopts every instance; its idle CPU then. */
async function idleAfterAdoption(env, socket, port, count) {
  const killed = Number(readFileSync(join(env.HERVE_HOME, 'herve.pid'), 'utf8'));
  process.kill(killed, 'SIGKILL');
  await waitUntil(() => !isProcessAlive(killed), 10_000, 'the killed daemon to be gone');
  run(process.execPath, [herveBin, 'up', '--port', port], env);
  const client = await socketClient(socket);
  await waitUntil(() => allRunning(client, count), 180_000, `${count} services adopted`);
  client.close();
  await sleep(3000);
  const [cpu] = await cpuPercentOver([Number(readFileSync(join(env.HERVE_HOME, 'herve.pid'), 'utf8'))], IDLE_SECONDS);
  return cpu;
}

async function measureSize(count) {
  const home = mkdtempSync('/tmp/hv-scale-');
  const env = { ...process.env, HERVE_HOME: home, NO_COLOR: '1' };
  const socket = join(home, 'herve.sock');
  const port = String(await freePort());
  try {
    run(process.execPath, [herveBin, 'up', '--port', port], env);
    const statsLines = [];
    let client = await socketClient(socket, (message, bytes) => message.event === 'stats' && statsLines.push(bytes));
    await registerAll(client, count);
    await waitUntil(() => allRunning(client, count), 180_000, `${count} services running`);
    await client.call('subscribe', { topics: ['stats'] });
    await sleep(3000);
    const pid = Number(readFileSync(join(home, 'herve.pid'), 'utf8'));
    const rss = rssMegabytes(pid);
    const openFds = fds(pid);
    const [idleCpu] = await cpuPercentOver([pid], IDLE_SECONDS);
    const ls = timeLs(env, home);
    client.close();

    run(process.execPath, [herveBin, 'down'], env);
    const upStarted = performance.now();
    run(process.execPath, [herveBin, 'up', '--port', port], env);
    client = await socketClient(socket);
    await waitUntil(() => allRunning(client, count), 180_000, `${count} services running after herve up`);
    const upMs = performance.now() - upStarted;
    client.close();
    const adoptedIdleCpu = await idleAfterAdoption(env, socket, port, count);
    return { count, rss, openFds, idleCpu, statsBytes: median(statsLines), ...ls, upMs, adoptedIdleCpu };
  } finally {
    spawnSync(process.execPath, [herveBin, 'down'], { env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  }
}

/** One clock tick of CPU over the idle window, in %: readings below it are all "about nothing". */
const CPU_RESOLUTION = 1 / IDLE_SECONDS;

/**
 * Each step up in size costs at most proportionally more: value(b)/value(a) ≤ b/a, both read as at
 * least `resolution` (so that 0.0 → 0.1 % is not an infinite growth).
 */
function growsAtMostLinearly(rows, field, resolution = 0) {
  const value = (row) => Math.max(row[field], resolution, 1e-9);
  const steps = rows.slice(1).map((row, i) => ({ from: rows[i], to: row, growth: value(row) / value(rows[i]) }));
  const within = steps.map(({ from, to, growth }) => growth <= to.count / from.count);
  const detail = steps.map(
    ({ from, to, growth }, i) => `${from.count}→${to.count}: ×${growth.toFixed(2)} (limit ×${to.count / from.count}, ${within[i] ? 'ok' : 'over'})`,
  );
  return `${within.every(Boolean) ? 'met' : 'MISSED'} — ${detail.join(', ')}`;
}

async function main() {
  if (!ensureDebianTools(['hyperfine'], ['hyperfine'])) throw new Error('hyperfine is needed to time herve ls');
  const rows = [];
  for (const count of SIZES) {
    console.log(`${count} services: registering, idle ${IDLE_SECONDS} s, ls ×${LS_ROUNDS}, down and up…`);
    rows.push(await measureSize(count));
  }
  console.log('dashboard render cost per stats event at each size…');
  const { statsRenderCost } = await import('./tui-render.mjs');
  for (const row of rows) row.render = await statsRenderCost(row.count);

  console.log('');
  printTable([
    [
      'services',
      'daemon RSS',
      'fds',
      `idle CPU (${IDLE_SECONDS} s)`,
      'idle CPU, all adopted',
      'stats event',
      '`herve ls` wall (CPU)',
      '`node -e 0` wall (CPU)',
      '`herve up` → all running',
      'dashboard per stats event: wall (p95), CPU',
    ],
    ...rows.map((row) => [
      row.count,
      `${row.rss.toFixed(1)} MB`,
      row.openFds,
      `${row.idleCpu.toFixed(2)} %`,
      `${row.adoptedIdleCpu.toFixed(2)} %`,
      `${(row.statsBytes / 1024).toFixed(1)} KiB`,
      `${row.ls.toFixed(0)} ms (${row.lsCpu.toFixed(0)})`,
      `${row.node.toFixed(0)} ms (${row.nodeCpu.toFixed(0)})`,
      `${row.upMs.toFixed(0)} ms`,
      `${row.render.medianMs.toFixed(1)} ms (${row.render.p95Ms.toFixed(1)}), ${row.render.cpuMs.toFixed(1)} ms`,
    ]),
  ]);
  const largest = rows.at(-1);
  console.log(`\nidle CPU grows at most linearly: ${growsAtMostLinearly(rows, 'idleCpu', CPU_RESOLUTION)}`);
  console.log(`idle CPU with every instance adopted grows at most linearly: ${growsAtMostLinearly(rows, 'adoptedIdleCpu', CPU_RESOLUTION)}`);
  console.log(`\`herve ls\` grows at most linearly: ${growsAtMostLinearly(rows, 'ls')}`);
  console.log(`\`herve ls\` CPU grows at most linearly: ${growsAtMostLinearly(rows, 'lsCpu')}`);
  console.log(`${largest.count} services, \`herve ls\` < ${LS_LIMIT_MS} ms: ${largest.ls < LS_LIMIT_MS ? 'met' : 'MISSED'} (${largest.ls.toFixed(0)} ms)`);
  console.log(
    `${largest.count} services, dashboard < ${RENDER_LIMIT_MS} ms per stats event: ${largest.render.medianMs < RENDER_LIMIT_MS ? 'met' : 'MISSED'} (${largest.render.medianMs.toFixed(1)} ms median, ${largest.render.cpuMs.toFixed(1)} ms CPU)`,
  );
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(`bench failed: ${error.message}`);
    process.exit(1);
  },
);
