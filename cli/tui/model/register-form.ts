import { describeZodError, flagForPath, parseInteger, RegisterSpec, type RegisterInput } from '../../../protocol/index.js';
import { parseOptions, splitCommandLine } from '../../../protocol/command-line.js';

export interface RegisterDraft {
  type: string;
  name: string;
  replicas: string;
  commandLine: string;
  options: string;
}

export type DraftField = keyof RegisterDraft;

export const EMPTY_DRAFT: RegisterDraft = { type: '', name: '', replicas: '', commandLine: '', options: '' };

/** The fields the form asks for, in order, for a given type. */
export function draftFields(type: string, typeHasOptions: boolean): DraftField[] {
  const fields: DraftField[] = ['type', 'name', 'replicas'];
  if (type === 'command') fields.push('commandLine');
  if (typeHasOptions) fields.push('options');
  return fields;
}

/**
 * The `register` params for a draft, or what is wrong with it (checked with the protocol's own rules).
 * A command line and option paths mean what they say where the dashboard runs (`cwd`), as with `herve register`.
 */
export function draftToParams(draft: RegisterDraft, cwd: string): { ok: true; params: RegisterInput } | { ok: false; error: string } {
  if (draft.type.length === 0) return { ok: false, error: 'pick a type' };
  const params: RegisterInput = { type: draft.type, replicas: parseInteger(draft.replicas.trim() || '1') as number };
  if (draft.name.length > 0) params.name = draft.name;
  if (draft.type === 'command') {
    const [command, ...args] = splitCommandLine(draft.commandLine);
    if (!command) return { ok: false, error: 'a command service needs a command line, e.g. node server.js' };
    params.command = command;
    params.args = args;
    params.cwd = cwd;
  }
  if (draft.options.trim().length > 0) {
    const { options, bad } = parseOptions(draft.options);
    if (bad.length > 0) return { ok: false, error: `options are key=value words; not understood: ${bad.join(' ')}` };
    params.options = options;
    params.cwd = cwd;
  }
  // The protocol's own rules, named as the form names them (the field table's key).
  const checked = RegisterSpec.safeParse(params);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const field = flagForPath(issue?.path ?? [])?.replace(/^--/, '') ?? '';
    return { ok: false, error: field ? `${field} ${issue?.message}` : describeZodError(checked.error) };
  }
  return { ok: true, params };
}
