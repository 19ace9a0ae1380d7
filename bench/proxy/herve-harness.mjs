// @ts-check
// Herve's front door alone, over a static route table (`bench` -> the backend).
// Usage: herve-harness.mjs BACKEND_PORT [LISTEN_PORT] [--https HERVE_HOME]; prints "PORT <n>"
// (and "HTTPS_PORT <n>", serving HTTPS with the local CA of that HERVE_HOME).
// Run with --expose-gc: on SIGUSR2 it collects garbage and prints "MEM <rss MiB> <heap used MiB>".
// BENCH_ACCESS_LOG_DIR records every request there (access log, as the daemon does); with it,
// OTEL_EXPORTER_OTLP_ENDPOINT also exports a span per request. Without it: the bare front door.
import { existsSync } from 'node:fs';

const frontDoorPath = new URL('../../dist/daemon/proxy/front-door.js', import.meta.url);
if (!existsSync(frontDoorPath)) {
  console.error('dist/ is missing: build first (npx tsc -p .)');
  process.exit(2);
}
const { startFrontDoor } = await import(frontDoorPath.href);

const backendPort = Number(process.argv[2]);
const targets = [{ service: 'bench', instance: 0, port: backendPort }];
const routes = { targets: (/** @type {string} */ name) => (name === 'bench' ? targets : undefined), names: () => ['bench'] };
const control = {
  list: () => [],
  get: () => {
    throw new Error('bench harness has no services');
  },
  register: async () => {
    throw new Error('bench harness has no services');
  },
  unregister: async () => {
    throw new Error('bench harness has no services');
  },
  start: async () => {
    throw new Error('bench harness has no services');
  },
  stop: async () => {
    throw new Error('bench harness has no services');
  },
  restart: async () => {
    throw new Error('bench harness has no services');
  },
  stats: () => ({ at: Date.now(), daemon: { pid: process.pid, uptimeMs: 0, cpuPercent: 0, rssBytes: 0 }, services: [] }),
};
const httpsHome = process.argv.indexOf('--https') === -1 ? undefined : process.argv[process.argv.indexOf('--https') + 1];
const https = httpsHome === undefined ? undefined : await localCertificates(httpsHome);
const listenPort = process.argv[3] === undefined || process.argv[3] === '--https' ? 0 : Number(process.argv[3]);
const journal = await journalFromEnv(process.env);
const door = await startFrontDoor({ port: listenPort, host: '127.0.0.1', routes, control, env: {}, https, journal });
console.log(`PORT ${door.port}`);
if (door.httpsPort !== null) console.log(`HTTPS_PORT ${door.httpsPort}`);

async function localCertificates(home) {
  const { ensureLocalCa } = await import(new URL('../../dist/daemon/tls/local-ca.js', import.meta.url).href);
  const { hervePaths } = await import(new URL('../../dist/protocol/index.js', import.meta.url).href);
  const ca = await ensureLocalCa(hervePaths({ HERVE_HOME: home }), []);
  return { port: 0, credentials: { key: ca.key, cert: ca.cert }, certificateFor: ca.certificateFor };
}
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`MEM ${(rss / 1024 ** 2).toFixed(1)} ${(heapUsed / 1024 ** 2).toFixed(1)}`);
});
process.on('SIGTERM', () =>
  door
    .close()
    .then(() => journal?.close())
    .then(() => process.exit(0)),
);

async function journalFromEnv(env) {
  if (!env.BENCH_ACCESS_LOG_DIR) return undefined;
  const { RequestJournal } = await import(new URL('../../dist/daemon/requests/request-journal.js', import.meta.url).href);
  const { loadRequestTracer } = await import(new URL('../../dist/daemon/tracing/request-tracer.js', import.meta.url).href);
  return new RequestJournal({ dir: env.BENCH_ACCESS_LOG_DIR, tracer: await loadRequestTracer(env) });
}
