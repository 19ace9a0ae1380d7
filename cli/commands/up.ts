import { AllowedHost, describeZodError } from '../../protocol/index.js';
import { UserError } from '../client/index.js';
import { cliPaths } from '../support/connect.js';
import { probeDaemon, runForegroundDaemon, type DaemonSettings } from '../support/daemon-launch.js';
import { describeDaemon, ensureDaemonUp } from '../support/daemon-up.js';
import { writeOut } from '../support/output.js';
import { Progress } from '../support/progress.js';

export interface UpOptions {
  foreground?: boolean;
  port?: number;
  allowHost?: string[];
}

export async function run(options: UpOptions): Promise<number> {
  const paths = cliPaths();
  const settings: DaemonSettings = { port: options.port, allowHosts: (options.allowHost ?? []).map(allowedHost) };
  if (options.foreground) {
    const running = await probeDaemon(paths);
    if (running) throw new UserError(`herve is already running (pid ${running.pid})`, 'stop it first with: herve down');
    return runForegroundDaemon(paths, settings);
  }
  const progress = new Progress();
  const { hello, alreadyRunning } = await ensureDaemonUp(paths, settings, progress);
  if (alreadyRunning) {
    const settingsNote = options.allowHost?.length ? '; --allow-host takes effect when it starts: herve down, then herve up again' : '';
    await writeOut(`herve is already running (pid ${hello.pid})${settingsNote}\n`);
    return 0;
  }
  progress.succeed(`herve daemon started`);
  await writeOut(describeDaemon(hello, paths));
  return 0;
}

function allowedHost(raw: string): string {
  const parsed = AllowedHost.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new UserError(`--allow-host: ${describeZodError(parsed.error)}`, 'for example: herve up --allow-host dev.test --allow-host "*.dev.test"', 2);
}
