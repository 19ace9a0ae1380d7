import { HerveError } from '../shared/errors.js';
import { isHerveDaemon, isProcessRunning, readPid } from '../../platform/proc.js';

/**
 * Refuse to start beside a live daemon whose socket file is gone (deleted by hand): two daemons
 * on one home would run every service twice. A pid file naming a dead or foreign process is stale.
 */
export function refuseLiveDaemonWithoutSocket(pidFile: string): void {
  const pid = readPid(pidFile);
  if (pid === null || pid === process.pid || !isProcessRunning(pid) || !isHerveDaemon(pid)) return;
  throw new HerveError('conflict', `a herve daemon (pid ${pid}) is running but its socket is gone`, `stop it with: kill ${pid} — then run: herve up`);
}
