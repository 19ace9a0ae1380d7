import { Box, Text, useInput } from 'ink';
import { useMemo, useState } from 'react';
import { useSyncedState } from '../hooks/use-synced-state.js';
import type { RegisterInput, ServiceTypeInfo } from '../../../protocol/index.js';
import { draftFields, EMPTY_DRAFT, type DraftField, type RegisterDraft } from '../model/register-draft.js';
import { useTheme } from '../theme-context.js';
import { SelectList, type SelectItem } from './SelectList.js';
import { TextInput } from './TextInput.js';

export interface RegisterFormProps {
  types: readonly ServiceTypeInfo[];
  width: number;
  height: number;
  onSubmit: (params: RegisterInput) => void;
  onCancel: () => void;
}

/** The table's keys, except `option`, which holds several. */
const LABELS: Record<DraftField, string> = { type: 'type', name: 'name', replicas: 'replicas', command: 'command', option: 'options' };

const PLACEHOLDERS: Record<DraftField, string> = {
  type: '',
  name: 'optional; the type name when empty',
  replicas: '1 (default)',
  command: 'e.g. node server.js --verbose',
  option: 'key=value …',
};

const COMMAND_TYPE: ServiceTypeInfo = { name: 'command', description: 'any program you give', options: {} };

/** Register a service: pick a type, then name, replicas, and a command line for `command`. */
export function RegisterForm({ types, width, height, onSubmit, onCancel }: RegisterFormProps) {
  const theme = useTheme();
  const choices = useMemo(() => (types.some((type) => type.name === 'command') ? [...types] : [...types, COMMAND_TYPE]), [types]);
  const [typeIndex, setTypeIndex, typeIndexRef] = useSyncedState(0);
  const [draft, setDraft, draftRef] = useSyncedState<RegisterDraft>({ ...EMPTY_DRAFT, type: choices[0]?.name ?? '' });
  const [field, setField, fieldRef] = useSyncedState<DraftField>('type');
  const [error, setError] = useState<string | null>(null);

  const optionsOf = (typeName: string) => Object.keys(choices.find((type) => type.name === typeName)?.options ?? {});
  const fieldsOf = (current: RegisterDraft) => draftFields(current.type, optionsOf(current.type).length > 0);
  const fields = fieldsOf(draft);

  const move = (step: number) => {
    const order = fieldsOf(draftRef.current);
    const position = order.indexOf(fieldRef.current);
    setField(order[(position + step + order.length) % order.length] ?? 'type');
  };
  const submit = () => {
    const draftNow = draftRef.current;
    void import('../model/register-form.js').then(({ draftToParams }) => {
      const result = draftToParams(draftNow, process.cwd());
      if (result.ok) onSubmit(result.params);
      else setError(result.error);
    });
  };
  const advance = () => {
    const order = fieldsOf(draftRef.current);
    if (order.indexOf(fieldRef.current) === order.length - 1) submit();
    else move(1);
  };
  const moveType = (step: number) => {
    const index = (typeIndexRef.current + step + choices.length) % choices.length;
    const choice = choices[index];
    if (choice === undefined) return;
    setTypeIndex(index);
    setDraft((current) => ({ ...current, type: choice.name, option: '' }));
  };

  useInput((_input, key) => {
    if (key.escape) onCancel();
    else if (key.tab) move(key.shift ? -1 : 1);
  });

  const items: SelectItem[] = choices.map((type) => ({ value: type.name, label: type.name, hint: type.description }));
  const update = (name: DraftField) => (change: (current: string) => string) => {
    setError(null);
    setDraft((current) => ({ ...current, [name]: change(current[name]) }));
  };
  const optionNames = optionsOf(draft.type);
  const listHeight = Math.max(2, Math.min(items.length, height - fields.length - 3));

  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} width={width} height={height} paddingX={1}>
      <Text bold color={theme.accent}>
        Register a service
      </Text>
      {fields.map((name) => (
        <Box key={name} flexDirection={name === 'type' ? 'column' : 'row'}>
          <Text color={field === name ? theme.accent : theme.dim} bold={field === name}>
            {`${field === name ? '›' : ' '} ${LABELS[name].padEnd(9)}`}
            {name === 'type' ? <Text color={theme.text}>{draft.type}</Text> : null}
          </Text>
          {name === 'type' && field === 'type' ? (
            <Box paddingLeft={2}>
              <SelectList items={items} selected={typeIndex} width={width - 6} height={listHeight} onMove={moveType} onSubmit={advance} />
            </Box>
          ) : null}
          {name !== 'type' ? (
            <TextInput
              value={draft[name]}
              focus={field === name}
              placeholder={name === 'option' ? optionNames.map((option) => `${option}=…`).join(' ') : PLACEHOLDERS[name]}
              onChange={update(name)}
              onSubmit={advance}
              onCancel={onCancel}
            />
          ) : null}
        </Box>
      ))}
      <Text wrap="truncate-end" color={error ? theme.error : theme.dim} dimColor={!theme.colour && !error}>
        {error ? `✖ ${error}` : 'Tab/Enter next · Shift-Tab back · Enter on the last field registers · Esc cancels'}
      </Text>
    </Box>
  );
}
