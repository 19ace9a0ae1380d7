import { execaSync, execa, type ResultPromise } from 'execa';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { assertProcessGone, isAlive, waitFor } from '../helpers/daemon.js';

export { assertProcessGone, isAlive, waitFor };

export const repoRoot = resolve(import.meta.dirname, '../..');
export const herveBin = join(repoRoot, 'dist/cli/main.cjs');
export const fixture = (name: string): string => join(import.meta.dirname, 'fixtures', name);

const SOURCE_DIRS = ['cli', 'protocol', 'platform', 'daemon', 'services', 'themes'];

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** `npm run build` bundles the CLI after tsc (the entry, main.cjs, is the bundle's); a bare `npx tsc` leaves no entry. */
function isBundled(): boolean {
  return existsSync(herveBin) && readFileSync(herveBin, 'utf8').includes('./full.js');
}

function isStale(): boolean {
  if (!isBundled()) return true;
  return SOURCE_DIRS.flatMap((dir) => sources(join(repoRoot, dir))).some((source) => {
    const built = join(repoRoot, 'dist', relative(repoRoot, source)).replace(/\.tsx?$/, '.js');
    return !existsSync(built) || statSync(built).mtimeMs < statSync(source).mtimeMs;
  });
}

const BUILD_LOCK = join(repoRoot, 'dist', '.test-build.lock');
const BUILD_TIMEOUT_MS = 120_000;

/**
 * The tests run the built binary; rebuild when a source is newer than its output.
 * Test files run in parallel workers: a lock directory keeps two builds from writing dist/ at once.
 */
export function ensureBuilt(): void {
  if (!isStale()) return;
  mkdirSync(dirname(BUILD_LOCK), { recursive: true });
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`another test build holds ${BUILD_LOCK}; remove it if no build runs`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  try {
    // Another worker may have built while this one waited. A failed build fails the tests: they would run stale code.
    if (isStale()) {
      for (const [command, args] of [
        ['npx', ['tsc', '-p', '.']],
        [process.execPath, ['scripts/bundle-cli.mjs']],
      ] as const) {
        const build = execaSync(command, [...args], { cwd: repoRoot, reject: false, all: true });
        if (build.exitCode !== 0)
          throw new Error(`the rebuild failed (${command} ${args.join(' ')}, exit ${build.exitCode}); fix it or run npm run build:\n${build.all}`);
      }
    }
  } finally {
    rmSync(BUILD_LOCK, { recursive: true, force: true });
  }
  if (!existsSync(herveBin)) throw new Error(`build failed: ${herveBin} is missing`);
}

function tryLock(): boolean {
  try {
    mkdirSync(BUILD_LOCK);
    return true;
  } catch {
    return false;
  }
}

/** A fresh HERVE_HOME with a short path (Unix socket paths cap at 107 bytes). */
export function makeHome(): string {
  return mkdtempSync('/tmp/hv-');
}

export function herveEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  return { HERVE_HOME: home, NO_COLOR: '1', FORCE_COLOR: '', ...extra };
}

/** Run the built `herve` with HERVE_HOME set; never throws on a non-zero exit. */
export function herve(home: string, args: string[], extraEnv: Record<string, string> = {}) {
  return execa(process.execPath, [herveBin, ...args], {
    env: herveEnv(home, extraEnv),
    reject: false,
    timeout: 60_000,
    cwd: repoRoot,
  });
}

/** A long-running `herve` (e.g. `logs -f`) whose output the test reads as it comes. */
export function herveLive(
  home: string,
  args: string[],
  options: { detached?: boolean } = {},
): ResultPromise<{ reject: false; env: Record<string, string>; cwd: string; detached: boolean }> {
  return execa(process.execPath, [herveBin, ...args], { env: herveEnv(home), reject: false, cwd: repoRoot, detached: options.detached ?? false });
}

/** Ctrl-C a following `herve` (`logs -f`, `requests -f`) and prove it ended cleanly: exit 0, nothing on stderr. */
export async function interruptCleanly(follow: ReturnType<typeof herveLive>): Promise<void> {
  follow.kill('SIGINT');
  const result = await follow;
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toBe('');
}

interface ListedService {
  name: string;
  instances: { pid: number | null }[];
}

/** Every pid herve knows of in this home: the daemon's and each instance's. */
export async function knownPids(home: string): Promise<number[]> {
  const pids: number[] = [];
  const ls = await herve(home, ['ls', '--json']);
  if (ls.exitCode === 0) {
    const { services } = JSON.parse(ls.stdout) as { services: ListedService[] };
    for (const service of services) for (const instance of service.instances) if (instance.pid) pids.push(instance.pid);
  }
  return pids;
}

/** `herve down`, then prove the daemon and every service process are gone; kill and fail if not. */
export async function stopAndProve(home: string, extraPids: number[] = []): Promise<void> {
  const pids = [...(await knownPids(home)), ...extraPids];
  const down = await herve(home, ['down']);
  const daemonPid = /pid (\d+)/.exec(down.stdout)?.[1];
  if (daemonPid) pids.push(Number(daemonPid));
  const survivors: number[] = [];
  for (const pid of pids) {
    const gone = await assertProcessGone(pid, 10_000).then(
      () => true,
      () => false,
    );
    if (!gone) {
      survivors.push(pid);
      process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(home, { recursive: true, force: true });
  expect(down.exitCode, down.stderr).toBe(0);
  expect(survivors, 'processes left alive after herve down').toEqual([]);
  for (const pid of pids) expect(isAlive(pid)).toBe(false);
}

/** A daemon in `home` for a whole test file: `herve up` before, `stopAndProve` after, with every pid in `seen`. */
export function daemonForFile(home: string, seen: Set<number>): void {
  beforeAll(async () => {
    ensureBuilt();
    const up = await herve(home, ['up', '--port', '0']);
    expect(up.exitCode, up.stderr).toBe(0);
  });
  afterAll(async () => {
    for (const pid of await knownPids(home)) seen.add(pid);
    await stopAndProve(home, [...seen]);
  });
}
