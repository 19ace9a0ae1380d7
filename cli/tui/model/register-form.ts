import { ServiceName, type RegisterInput } from '../../../protocol/index.js';
import { parseOptions, splitCommandLine } from './command-line.js';

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
  const params: RegisterInput = { type: draft.type };
  if (draft.name.length > 0) {
    const name = ServiceName.safeParse(draft.name);
    if (!name.success) return { ok: false, error: `name ${name.error.issues[0]?.message ?? 'is invalid'}` };
    params.name = draft.name;
  }
  const replicas = Number(draft.replicas.trim() || '1');
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 64) return { ok: false, error: 'replicas must be a whole number from 1 to 64' };
  params.replicas = replicas;
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
  return { ok: true, params };
}
