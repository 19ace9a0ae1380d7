import { watch } from 'chokidar';
import { UserError } from '../client/index.js';
import { withDaemon } from '../daemon/connect.js';
import { writeOut } from '../output/output.js';
import { applyProject, loadProject, renderChanges, summarize } from './project.js';

const DEBOUNCE_MS = 200;

/** `herve up --watch`: apply the file again each time it changes, until Ctrl-C. A bad edit is reported and changes nothing. */
export async function watchProject(path: string): Promise<number> {
  const watcher = watch(path, { ignoreInitial: true, awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 50 } });
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const reload = async (): Promise<void> => {
    try {
      const project = loadProject(path);
      const result = await withDaemon((client) => applyProject(client, project, { dryRun: false, reason: 'file changed' }));
      await writeOut(`${new Date().toLocaleTimeString()} reloaded ${path}: ${summarize(result)}\n${renderChanges(result, 'did')}`);
    } catch (error) {
      const hint = error instanceof UserError && error.hint ? `\n  ${error.hint}` : '';
      await writeOut(`${new Date().toLocaleTimeString()} not reloaded: ${(error as Error).message}${hint}\n`, process.stderr);
    }
  };
  watcher.on('all', () => {
    clearTimeout(timer);
    timer = setTimeout(() => (running = running.then(reload)), DEBOUNCE_MS);
  });
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  await writeOut(`watching ${path} — Ctrl-C to stop (the services keep running)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearTimeout(timer);
  await running;
  await watcher.close();
  return 0;
}
