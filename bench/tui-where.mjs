// @ts-check
// `npm run bench -- tui --where`: where a settled dashboard's memory goes, `herve tui` and `pm2 monit`
// alike: /proc/PID/smaps by mapping, and V8's heap spaces before and after a full GC (bench/tui-probe.cjs,
// preloaded into each dashboard, reports them on SIGUSR2).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printTable, waitUntil } from './lib.mjs';
import { measureDashboard } from './tui-process.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const MB = 1024 * 1024;

/**
 * Resident kB of each mapping in /proc/PID/smaps, summed by what it maps: the node binary, other
 * files, the malloc heap, anonymous memory (V8's heap, wasm memory, malloc arenas), stacks.
 * @param {number} pid
 */
export function residentByMapping(pid) {
  /** @type {Record<string, number>} */
  const totals = {};
  let kind = 'anonymous';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      const name = header[1] ?? '';
      kind = name === '' ? 'anonymous' : name === process.execPath ? 'node binary' : name.startsWith('[') ? name : 'other files';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) totals[kind] = (totals[kind] ?? 0) + Number(rss[1]);
  }
  return totals;
}

/**
 * @param {ReturnType<typeof import('./tui-process.mjs').tmuxServer>} server
 * @param {import('./tui-process.mjs').Dashboard[]} dashboards
 */
export async function whereItGoes(server, dashboards) {
  /** @type {{ label: string; mappings: Record<string, number>; probe: any }[]} */
  const results = [];
  for (const dashboard of dashboards) {
    const file = join(server.dir, `probe-${results.length}.json`);
    /** @type {Record<string, number>} */
    let mappings = {};
    const probe = async (/** @type {unknown} */ _tmux, /** @type {unknown} */ _session, /** @type {number} */ pid) => {
      mappings = residentByMapping(pid);
      process.kill(pid, 'SIGUSR2');
      await waitUntil(() => existsSync(file), 5000, `the probe of ${dashboard.label}`);
    };
    const [node, ...rest] = dashboard.argv;
    const probed = {
      ...dashboard,
      argv: [/** @type {string} */ (node), '--require', join(here, 'tui-probe.cjs'), ...rest],
      env: { ...dashboard.env, HERVE_BENCH_PROBE: file },
    };
    await measureDashboard(server, probed, 1, probe);
    results.push({ label: dashboard.label, mappings, probe: JSON.parse(readFileSync(file, 'utf8')) });
    rmSync(file, { force: true });
  }
  const kinds = [...new Set(results.flatMap((result) => Object.keys(result.mappings)))].sort(
    (a, b) => (results[0]?.mappings[b] ?? 0) - (results[0]?.mappings[a] ?? 0),
  );
  const mb = (/** @type {number} */ bytes) => (bytes / MB).toFixed(1);
  console.log('\nWhere a settled dashboard’s memory goes (MB): /proc/PID/smaps by mapping, then V8 (committed / used, before → after a full GC):');
  printTable([
    ['', ...results.map((result) => result.label)],
    ...kinds.map((kind) => [`resident: ${kind}`, ...results.map((result) => mb((result.mappings[kind] ?? 0) * 1024))]),
    ['process.memoryUsage rss', ...results.map((result) => `${mb(result.probe.before.memory.rss)} → ${mb(result.probe.after.memory.rss)}`)],
    ['V8 heap total', ...results.map((result) => `${mb(result.probe.before.memory.heapTotal)} → ${mb(result.probe.after.memory.heapTotal)}`)],
    ['V8 heap used', ...results.map((result) => `${mb(result.probe.before.memory.heapUsed)} → ${mb(result.probe.after.memory.heapUsed)}`)],
    ['external (buffers, wasm memory)', ...results.map((result) => `${mb(result.probe.before.memory.external)} → ${mb(result.probe.after.memory.external)}`)],
    ...Object.keys(results[0]?.probe.before.spaces ?? {}).map((space) => [
      space,
      ...results.map((result) => {
        const before = result.probe.before.spaces[space];
        const after = result.probe.after.spaces[space];
        return before && after ? `${mb(before.size)} / ${mb(before.used)} → ${mb(after.size)} / ${mb(after.used)}` : '';
      }),
    ]),
  ]);
}
