import { chmodSync, closeSync, existsSync, lstatSync, openSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { HervePaths } from '../../protocol/index.js';
import { HerveError } from '../shared/errors.js';

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;
const WRITABLE_BY_OTHERS = 0o022;

/**
 * HERVE_HOME holds services' secret env (state.db and its WAL) and their logs: it must be ours
 * and closed to everyone else. Creates it 0700, tightens a looser one and every file in it to
 * 0600; refuses (HerveError with the fix) a home or socket owned by another user or writable by
 * group or others, since someone else may already have put something there.
 */
export function secureHome(paths: HervePaths): void {
  mkdirSync(paths.home, { recursive: true, mode: PRIVATE_DIR });
  refuseForeign(paths.home, statSync(paths.home), 'directory');
  const socket = statOrNull(paths.socket);
  if (socket) refuseForeign(paths.socket, socket, 'socket');
  chmodSync(paths.home, PRIVATE_DIR);
  const files = [paths.database, `${paths.database}-wal`, `${paths.database}-shm`, paths.pidFile, paths.lockFile, paths.daemonLog, paths.socket];
  for (const dir of [paths.logsDir, paths.accessLogsDir]) {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
    refuseForeign(dir, statSync(dir), 'directory');
    chmodSync(dir, PRIVATE_DIR);
    for (const name of readdirSync(dir)) if (join(dir, name) !== paths.accessLogsDir) files.push(join(dir, name));
  }
  if (existsSync(paths.caDir)) {
    refuseForeign(paths.caDir, statSync(paths.caDir), 'directory');
    chmodSync(paths.caDir, PRIVATE_DIR);
    for (const name of readdirSync(paths.caDir)) files.push(join(paths.caDir, name));
  }
  for (const file of files) tightenFile(file);
  // SQLite gives its -wal and -shm files the database file's mode: create that one private.
  closeSync(openSync(paths.database, 'a', PRIVATE_FILE));
}

/** Writes a file only its owner can read, whole or not at all (a reader never sees half a key). */
export function writePrivateFile(path: string, text: string): void {
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, text, { mode: PRIVATE_FILE });
  renameSync(partial, path);
}

function refuseForeign(path: string, stats: Stats, what: string): void {
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new HerveError(
      'bad_request',
      `${path} is owned by another user (uid ${stats.uid}), not by you (uid ${uid}); Herve will not keep its state or secrets there`,
      `use a HERVE_HOME of your own (e.g. HERVE_HOME=~/.herve), or if it is yours: chown -R ${uid} ${path}`,
    );
  }
  if ((stats.mode & WRITABLE_BY_OTHERS) !== 0) {
    const mode = (stats.mode & 0o777).toString(8);
    throw new HerveError(
      'bad_request',
      `${path} is writable by group or others (mode ${mode}): another user could have changed what Herve reads there`,
      what === 'socket' ? `check nothing else runs there, then remove it: rm ${path}` : `check its contents, then: chmod 700 ${path}`,
    );
  }
}

function tightenFile(path: string): void {
  const stats = lstatOrNull(path);
  // A symlink is left alone: chmod would change what it points to.
  if (!stats || stats.isSymbolicLink() || (stats.mode & 0o077) === 0) return;
  chmodSync(path, PRIVATE_FILE);
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
