import { withDaemon } from '../daemon/connect.js';
import { writeJson, writeOut } from '../output/output.js';
import { applyProject, loadProject, renderChanges, requireProjectPath } from '../project/project.js';

/** `herve diff`: what applying the project file would change, nothing changed. */
export async function run(options: { file?: string; json?: boolean }): Promise<number> {
  const project = loadProject(requireProjectPath(options.file));
  const result = await withDaemon((client) => applyProject(client, project, { dryRun: true, reason: 'diff' }));
  if (options.json) await writeJson(result);
  else await writeOut(renderChanges(result, 'would'));
  return 0;
}
