import { describeZodError, fieldValue, flagForPath, registerField, RegisterSpec, specPathOf, type RegisterInput } from '../../../protocol/index.js';
import { parseOptions, splitCommandLine } from '../../../protocol/command-line.js';
import { PLAIN_FIELDS, type RegisterDraft } from './register-draft.js';

// The form's check needs the protocol's zod schemas: the form imports this module on submit only.

function plainFields(draft: RegisterDraft): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key of PLAIN_FIELDS) {
    const field = registerField(key);
    const text = field.kind === 'integer' ? draft[key].trim() : draft[key];
    if (text.length > 0) values[specPathOf(field).leaf] = fieldValue(field, text);
  }
  return values;
}

/**
 * The `register` params for a draft, or what is wrong with it (checked with the protocol's own rules).
 * A command line and option paths mean what they say where the dashboard runs (`cwd`), as with `herve register`.
 */
export function draftToParams(draft: RegisterDraft, cwd: string): { ok: true; params: RegisterInput } | { ok: false; error: string } {
  if (draft.type.length === 0) return { ok: false, error: 'pick a type' };
  // Unchecked until the schema below: a value it rejects is named there.
  const params = { type: draft.type, replicas: 1, ...plainFields(draft) } as RegisterInput;
  if (draft.type === 'command') {
    const [command, ...args] = splitCommandLine(draft.command);
    if (!command) return { ok: false, error: 'a command service needs a command line, e.g. node server.js' };
    params.command = command;
    params.args = args;
    params.cwd = cwd;
  }
  if (draft.option.trim().length > 0) {
    const { options, bad } = parseOptions(draft.option);
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
