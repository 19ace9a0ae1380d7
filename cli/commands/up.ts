import { AllowedHost, BusUrl, describeZodError, parseFrontDoorWorkers, type ProjectHttps } from '../../protocol/index.js';
import { UserError } from '../client/index.js';
import { cliPaths, withDaemon } from '../daemon/connect.js';
import { probeDaemon, runForegroundDaemon, type DaemonSettings } from '../daemon/daemon-launch.js';
import { describeDaemon, ensureDaemonUp } from '../daemon/daemon-up.js';
import { writeOut } from '../output/output.js';
import { Progress } from '../output/progress.js';
import { applyProject, loadProject, projectPath, renderChanges, summarize } from '../project/project.js';
import type { OptionsOf } from '../program.js';

type UpOptions = OptionsOf<'up'>;

export async function run(options: UpOptions): Promise<number> {
  const paths = cliPaths();
  const base: DaemonSettings = {
    port: options.port,
    allowHosts: (options.allowHost ?? []).map(allowedHost),
    bus: options.bus === undefined ? undefined : busUrl(options.bus),
    workers: options.workers === undefined ? undefined : frontDoorWorkers(options.workers),
  };
  if (options.foreground) {
    if (options.file !== undefined || options.watch)
      throw new UserError('--foreground does not apply a project file', 'run herve up -f FILE (in the background), or herve reload once it runs', 2);
    const running = await probeDaemon(paths);
    if (running) throw new UserError(`herve is already running (pid ${running.pid})`, 'stop it first with: herve down');
    return runForegroundDaemon(paths, { ...base, https: httpsSetting(options, undefined) });
  }
  const path = projectPath(options.file);
  if (options.watch && path === undefined) throw new UserError('--watch needs a project file: no herve.yaml here', 'point at one with -f FILE', 2);
  // Checked before anything starts: a bad file changes nothing.
  const project = path === undefined ? undefined : loadProject(path);
  const settings: DaemonSettings = { ...base, https: httpsSetting(options, project?.https), workers: base.workers ?? project?.workers };
  const progress = new Progress();
  const { hello, alreadyRunning } = await ensureDaemonUp(paths, settings, progress);
  if (alreadyRunning) {
    const unapplied = [
      ...(options.allowHost?.length ? ['--allow-host'] : []),
      ...(options.bus === undefined ? [] : ['--bus']),
      ...(settings.workers === undefined ? [] : ['--workers']),
      ...(settings.https && hello.httpsPort === null ? ['HTTPS'] : []),
    ];
    const settingsNote =
      unapplied.length > 0
        ? `; ${unapplied.join(' and ')} take${unapplied.length === 1 ? 's' : ''} effect when it starts: herve down, then herve up again`
        : '';
    await writeOut(`herve is already running (pid ${hello.pid})${settingsNote}\n`);
  } else {
    progress.succeed(`herve daemon started`);
    await writeOut(describeDaemon(hello, paths));
  }
  if (project === undefined || path === undefined) return 0;
  progress.update(`applying ${project.file}…`);
  const result = await withDaemon((client) => applyProject(client, project, { dryRun: false, reason: 'herve up' })).finally(() => progress.stop());
  await writeOut(`${renderChanges(result, 'did')}${summarize(result)}\n`);
  if (!options.watch) return 0;
  const { watchProject } = await import('../project/project-watch.js');
  return watchProject(path);
}

/** HTTPS from the flags, else from the project file's `https:`; the flags win. */
function httpsSetting(options: UpOptions, fromFile: ProjectHttps | undefined): DaemonSettings['https'] {
  if (options.https || options.httpsPort !== undefined) return { port: options.httpsPort };
  if (fromFile === undefined || fromFile === false) return undefined;
  return fromFile === true ? {} : { port: fromFile.port };
}

function allowedHost(raw: string): string {
  const parsed = AllowedHost.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new UserError(`--allow-host: ${describeZodError(parsed.error)}`, 'for example: herve up --allow-host dev.test --allow-host "*.dev.test"', 2);
}

function frontDoorWorkers(raw: string): number {
  const parsed = parseFrontDoorWorkers(raw);
  if (parsed.success) return parsed.data;
  throw new UserError(`--workers: ${describeZodError(parsed.error)}`, 'for example: herve up --workers 2 (one front-door process per core)', 2);
}

function busUrl(raw: string): string {
  const parsed = BusUrl.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new UserError(`--bus ${describeZodError(parsed.error)}`, 'for example: herve up --bus redis://127.0.0.1:6379 (or redis://:PASSWORD@HOST:PORT)', 2);
}
