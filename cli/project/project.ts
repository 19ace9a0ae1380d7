import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_FILE_NAME, type ApplyResult, type ServiceChange } from '../../protocol/index.js';
import { loadProjectFile, ProjectFileError, type LoadedProject } from './project-load.js';
import { UserError, type SocketDaemonClient } from '../client/index.js';

/** `-f FILE`, else herve.yaml here; undefined when there is none and none was asked for. */
export function projectPath(file: string | undefined): string | undefined {
  if (file !== undefined) return resolve(file);
  const here = join(process.cwd(), PROJECT_FILE_NAME);
  return existsSync(here) ? here : undefined;
}

export function requireProjectPath(file: string | undefined): string {
  const path = projectPath(file);
  if (path === undefined) {
    throw new UserError(
      `no ${PROJECT_FILE_NAME} in ${process.cwd()}`,
      `write one (herve init writes it from the services registered now), or point at it with -f FILE`,
    );
  }
  return path;
}

/** The checked project, or a UserError listing every problem as file:line field: message. */
export function loadProject(path: string): LoadedProject {
  try {
    return loadProjectFile(path);
  } catch (error) {
    if (error instanceof ProjectFileError) {
      throw new UserError(error.problems.join('\n'), `nothing was changed; the keys are in the README ("Project file") and in: herve schema`, 1, {
        cause: error,
      });
    }
    throw error;
  }
}

export async function applyProject(client: SocketDaemonClient, project: LoadedProject, options: { dryRun: boolean; reason: string }): Promise<ApplyResult> {
  await refuseUnknownTypes(client, project);
  return client.call('apply', { file: project.file, services: project.services, dryRun: options.dryRun, reason: options.reason });
}

/** Types are the daemon's (built-ins, command, proxy): checked against its list so the error can name the line. */
async function refuseUnknownTypes(client: SocketDaemonClient, project: LoadedProject): Promise<void> {
  const known = (await client.call('types')).types.map((type) => type.name);
  const problems = project.services
    .filter((entry) => !known.includes(entry.spec.type))
    .map(
      (entry) =>
        `${project.where(['services', entry.spec.name, 'type'])} services.${entry.spec.name}.type: unknown type "${entry.spec.type}"; one of: ${known.join(', ')}`,
    );
  if (problems.length > 0) throw new UserError(problems.join('\n'), 'nothing was changed; see what each type takes with: herve types', 1);
}

const MARKS: Record<ServiceChange['action'], string> = { add: '+', remove: '-', change: '~', unchanged: '=' };
const WORDS: Record<ServiceChange['action'], string> = { add: 'added', remove: 'removed', change: 'changed', unchanged: 'unchanged' };

/** One line per service (`+ api  added`), the changed fields below it (`replicas: 1 → 2`). */
export function renderChanges(result: ApplyResult, tense: 'would' | 'did'): string {
  if (result.changes.length === 0) return `${result.file}: no services\n`;
  const width = Math.max(...result.changes.map((change) => change.name.length));
  const lines = result.changes.flatMap((change) => [
    `${MARKS[change.action]} ${change.name.padEnd(width)}  ${tense === 'would' && change.action !== 'unchanged' ? `to be ${WORDS[change.action]}` : WORDS[change.action]}`,
    ...change.fields.map((field) => `    ${field.field}: ${field.from} → ${field.to}`),
  ]);
  return `${lines.join('\n')}\n`;
}

export function summarize(result: ApplyResult): string {
  const count = (action: ServiceChange['action']) => result.changes.filter((change) => change.action === action).length;
  return `${count('add')} added, ${count('change')} changed, ${count('remove')} removed, ${count('unchanged')} unchanged`;
}
