// @ts-check
// `npm run bench -- reload`: `herve reload` of an unchanged 20-service herve.yaml.
// Figures: services restarted (pids that changed; target 0) and the wall time of each reload.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const herve = fileURLToPath(new URL('../dist/cli/main.cjs', import.meta.url));
const SERVICES = 20;
const ROUNDS = 5;
const home = mkdtempSync('/tmp/hv-bench-reload-');
const dir = mkdtempSync('/tmp/hv-bench-project-');
const file = join(dir, 'herve.yaml');
const env = { ...process.env, HERVE_HOME: home, NO_COLOR: '1' };
const run = (/** @type {string[]} */ ...args) => execFileSync(process.execPath, [herve, ...args], { env, cwd: dir, encoding: 'utf8' });

// Cheap services (no HTTP): the figure is about what reload touches, not about the services.
const services = Array.from(
  { length: SERVICES },
  (_, index) => `  svc-${index}:\n    command: sleep 3600\n    health: none\n    route: false\n    env: { INDEX: "${index}" }\n`,
);
writeFileSync(file, `services:\n${services.join('')}`);

const pids = () => {
  const { services: list } = JSON.parse(run('ls', '--json'));
  /** @type {{ name: string; instances: { pid: number | null }[] }[]} */
  const services = list;
  return new Map(services.map((service) => [service.name, service.instances.map((instance) => instance.pid).join(',')]));
};

try {
  run('up', '--port', '0');
  const before = pids();
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const output = run('reload', '--json');
    times.push(performance.now() - started);
    const changes = JSON.parse(output).changes;
    if (changes.some((/** @type {{ action: string }} */ change) => change.action !== 'unchanged'))
      throw new Error(`round ${round}: reload changed something: ${output}`);
  }
  const after = pids();
  const restarted = [...before].filter(([name, list]) => after.get(name) !== list).length;
  times.sort((a, b) => a - b);
  console.log(`services: ${SERVICES}, reloads: ${ROUNDS}`);
  console.log(`services restarted: ${restarted} (target 0)`);
  console.log(
    `herve reload wall time: median ${times[Math.floor(ROUNDS / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms, max ${times[ROUNDS - 1].toFixed(0)} ms (CLI start included)`,
  );
  const ls = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    run('ls', '--json');
    ls.push(performance.now() - started);
  }
  ls.sort((a, b) => a - b);
  console.log(`for scale, herve ls --json on the same daemon: median ${ls[Math.floor(ROUNDS / 2)].toFixed(0)} ms`);
} finally {
  try {
    run('down');
  } catch (error) {
    console.error(`herve down failed: ${/** @type {Error} */ (error).message}`);
  }
  rmSync(home, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
}
