import { withDaemon } from '../daemon/connect.js';
import { writeJson, writeOut } from '../output/output.js';
import { Progress } from '../output/progress.js';
import { applyProject, loadProject, renderChanges, requireProjectPath, summarize } from '../project/project.js';

/** `herve reload`: apply the project file: changed services rolled, removed ones drained, the rest untouched. */
export async function run(options: { file?: string; dryRun?: boolean; json?: boolean }): Promise<number> {
  if (options.dryRun) return (await import('./diff.js')).run(options);
  const project = loadProject(requireProjectPath(options.file));
  const progress = new Progress(options.json);
  const result = await withDaemon(async (client) => {
    progress.update(`applying ${project.file}…`);
    try {
      return await applyProject(client, project, { dryRun: false, reason: 'herve reload' });
    } finally {
      progress.stop();
    }
  });
  if (options.json) await writeJson(result);
  else await writeOut(`${renderChanges(result, 'did')}${summarize(result)}\n`);
  return 0;
}
