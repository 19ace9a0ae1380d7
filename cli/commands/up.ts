import { UserError } from '../client/index.js';
import { cliPaths } from '../support/connect.js';
import { probeDaemon, runForegroundDaemon } from '../support/daemon-launch.js';
import { describeDaemon, ensureDaemonUp } from '../support/daemon-up.js';
import { writeOut } from '../support/output.js';
import { Progress } from '../support/progress.js';

export interface UpOptions {
  foreground?: boolean;
  port?: number;
}

export async function run(options: UpOptions): Promise<number> {
  const paths = cliPaths();
  if (options.foreground) {
    const running = await probeDaemon(paths);
    if (running) throw new UserError(`herve is already running (pid ${running.pid})`, 'stop it first with: herve down');
    return runForegroundDaemon(paths, options.port);
  }
  const progress = new Progress();
  const { hello, alreadyRunning } = await ensureDaemonUp(paths, options.port, progress);
  if (alreadyRunning) {
    await writeOut(`herve is already running (pid ${hello.pid})\n`);
    return 0;
  }
  progress.succeed(`herve daemon started`);
  await writeOut(describeDaemon(hello, paths));
  return 0;
}
