// @ts-check
// Shared by the adopt and soak benchmarks: a real daemon through the built CLI, wrk runs counted, /proc readings.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort, rssMegabytes, sleep, waitUntil } from '../lib.mjs';

const execFileAsync = promisify(execFile);
export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const herveBin = join(root, 'dist/cli/main.cjs');

/** A daemon in a temp HERVE_HOME on a free port, driven with the real `herve` command. */
export async function startHerve() {
  const home = mkdtempSync(join(tmpdir(), 'hv-rel-'));
  const port = await freePort();
  const env = { ...process.env, HERVE_HOME: home, NO_COLOR: '1' };
  const herve = async (/** @type {string[]} */ ...args) => (await execFileAsync(process.execPath, [herveBin, ...args], { env, encoding: 'utf8' })).stdout;
  await herve('up', '--port', String(port));
  return {
    home,
    port,
    herve,
    url: (/** @type {string} */ path) => `http://127.0.0.1:${port}${path}`,
    daemonPid: () => Number(readFileSync(join(home, 'herve.pid'), 'utf8')),
    async services() {
      const list = JSON.parse(await herve('ls', '--json'));
      return Array.isArray(list) ? list : list.services;
    },
    /**
     * @param {string} name
     * @returns {Promise<(number | null)[]>}
     */
    async pidsOf(name) {
      /** @type {{ name: string; instances: { pid: number | null }[] }[]} */
      const services = await this.services();
      const service = services.find((each) => each.name === name);
      if (service === undefined) throw new Error(`no service ${name}`);
      return service.instances.map((instance) => instance.pid);
    },
    /**
     * @param {string} path
     * @param {number} [timeoutMs]
     */
    async untilAnswering(path, timeoutMs = 20_000) {
      await waitUntil(
        async () =>
          (await fetch(this.url(path)).then(
            (r) => r.status,
            () => 0,
          )) === 200,
        timeoutMs,
        `${path} to answer`,
      );
    },
    monitors: () => monitorsOf(home),
    down() {
      spawnSync(process.execPath, [herveBin, 'down'], { env, stdio: 'ignore' });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * Monitor processes (/bin/sh) of a HERVE_HOME: their command line names its run directory.
 * @param {string} home
 */
export function monitorsOf(home) {
  /** @type {number[]} */
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes('herve-monitor') && argv.includes(join(home, 'run'))) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

/** @param {number} pid */
export function fdCount(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * Proportional set size in MB (shared pages divided among their users).
 * @param {number} pid
 */
export function pssMegabytes(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+)/m.exec(text)?.[1] ?? 0) / 1024;
}

export { rssMegabytes, sleep };

/**
 * One wrk run: total requests, socket errors by kind, non-2xx answers. `body` makes it a POST.
 * @param {string} url
 * @param {{ seconds: number; connections?: number; body?: string }} options
 */
export async function wrk(url, { seconds, connections = 20, body }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '5s'];
  let script;
  if (body !== undefined) {
    script = join(mkdtempSync(join(tmpdir(), 'hv-wrk-')), 'post.lua');
    writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "text/plain"\n`);
    args.push('-s', script);
  }
  const { stdout } = await execFileAsync('wrk', [...args, url], { encoding: 'utf8' });
  if (script) rmSync(dirname(script), { recursive: true, force: true });
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? NaN);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout)?.slice(1).map(Number) ?? [0, 0, 0, 0];
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const [connect, read, write, timeout] = socket;
  return { requests, connect, read, write, timeout, non2xx, failed: connect + read + write + timeout + non2xx };
}
