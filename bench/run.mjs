// @ts-check
// `npm run bench`: every benchmark in turn, each printing its own figures.
// `npm run bench -- lifecycle` (or proxy, tui, adopt, soak, scale, …) runs one; any other argument
// (`npm run bench -- tui --rounds 3`) is passed on to the benchmarks named.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** @type {Record<string, string>} */
const suites = {
  lifecycle: 'Herve vs PM2: CLI, daemon footprint, recovery, logs',
  proxy: 'front door vs direct vs nginx',
  workers: 'the front door on 1 and 2 processes (herve up --workers N) vs nginx with 1 and 2 worker_processes, unpinned',
  https: 'the front door over HTTPS (HTTP/1.1, HTTP/2) vs plain and vs nginx with TLS',
  observability: 'what the access log and tracing cost the front door',
  tui: 'dashboard render cost, CPU and memory',
  'host-check': 'the front door’s Host allow-list, ns per request',
  modules: 'RSS each package costs at the daemon’s start, and the dashboard’s',
  memory: 'the daemon’s RSS with 10 services vs PM2’s God daemon, interleaved rounds',
  adopt: 'kill -9 of the daemon under load, then herve up: pids kept, lines lost, failed requests',
  soak: 'wrk through the front door for minutes, then chaos: a replica killed every 2 s',
  resources: 'daemon RSS and fds after register cycles, half-open connections, silent subscribers',
  reload: 'herve reload of an unchanged 20-service herve.yaml: restarts and wall time',
  roll: 'zero-downtime rolling restart and watch restart under wrk',
  membership: 'services that join by heartbeat, over the socket and a Redis bus: join and drop times, failures under kills',
  scale: 'cost with 1, 10, 100 and 500 services: RSS, idle CPU, ls, up, dashboard render',
};
const wanted = process.argv.slice(2).filter((name) => name in suites);
const passedOn = process.argv.slice(2).filter((arg) => !(arg in suites));
let failed = false;
for (const name of wanted.length > 0 ? wanted : Object.keys(suites)) {
  const script = join(here, `${name}.mjs`);
  if (!existsSync(script)) {
    console.log(`\n== ${name}: not present, skipped`);
    continue;
  }
  console.log(`\n== ${name}: ${suites[name]}`);
  const result = spawnSync(process.execPath, [script, ...(wanted.length > 0 ? passedOn : [])], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
