import type { RegisterFieldKey } from '../../../protocol/index.js';

/** The registration fields the form asks for, by their key in the field table: `command` is a whole command line, `option` key=value words. */
export type DraftField = Extract<RegisterFieldKey, 'type' | 'name' | 'replicas' | 'command' | 'option'>;

export type RegisterDraft = Record<DraftField, string>;

export const EMPTY_DRAFT: RegisterDraft = { type: '', name: '', replicas: '', command: '', option: '' };

/** Fields typed as text and converted as the table says (a number may have spaces around it); an empty one is left out. */
export const PLAIN_FIELDS = ['name', 'replicas'] as const satisfies readonly DraftField[];

/** The fields the form asks for, in order, for a given type. */
export function draftFields(type: string, typeHasOptions: boolean): DraftField[] {
  const fields: DraftField[] = ['type', ...PLAIN_FIELDS];
  if (type === 'command') fields.push('command');
  if (typeHasOptions) fields.push('option');
  return fields;
}
