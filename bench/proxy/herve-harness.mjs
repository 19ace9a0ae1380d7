// @ts-check
// Herve's front door alone, over a static route table (`bench` -> the backend).
// Usage: herve-harness.mjs BACKEND_PORT [LISTEN_PORT]; prints "PORT <n>".
// Run with --expose-gc: on SIGUSR2 it collects garbage and prints "MEM <rss MiB> <heap used MiB>".
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
  get: () => { throw new Error('bench harness has no services'); },
  register: async () => { throw new Error('bench harness has no services'); },
  unregister: async () => { throw new Error('bench harness has no services'); },
  start: async () => { throw new Error('bench harness has no services'); },
  stop: async () => { throw new Error('bench harness has no services'); },
  restart: async () => { throw new Error('bench harness has no services'); },
  stats: () => ({ at: Date.now(), daemon: { pid: process.pid, uptimeMs: 0, cpuPercent: 0, rssBytes: 0 }, services: [] }),
};
const door = await startFrontDoor({ port: Number(process.argv[3] ?? 0), host: '127.0.0.1', routes, control, env: {} });
console.log(`PORT ${door.port}`);
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(`MEM ${(rss / 1024 ** 2).toFixed(1)} ${(heapUsed / 1024 ** 2).toFixed(1)}`);
});
process.on('SIGTERM', () => door.close().then(() => process.exit(0)));
