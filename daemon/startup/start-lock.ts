import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { HerveError } from '../shared/errors.js';
import { isHerveDaemon, isProcessRunning, readPid } from '../../platform/proc.js';

/**
 * One daemon starts at a time: the lock file is created exclusively and holds the starter's pid.
 * A lock whose pid is dead is stale and taken over. Returns the release function.
 */
export function acquireStartLock(lockFile: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => releaseIfOurs(lockFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readPid(lockFile);
    // A lock is stale once its holder is gone, or its pid now belongs to another program.
    if (holder !== null && holder !== process.pid && isProcessRunning(holder) && isHerveDaemon(holder)) {
      throw new HerveError('conflict', `another herve daemon is starting (pid ${holder})`, 'wait a moment, then run: herve status');
    }
    rmSync(lockFile, { force: true });
  }
  throw new HerveError('conflict', `could not take the start lock ${lockFile}`, `remove it if no herve daemon is starting: rm ${lockFile}`);
}

function releaseIfOurs(lockFile: string): void {
  if (readPid(lockFile) === process.pid) rmSync(lockFile, { force: true });
}
