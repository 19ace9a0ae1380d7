/**
 * The registration fields, once: the `herve register` flag, the admin API's form key, where the
 * value goes in a RegisterSpec, and its help text. The CLI options, the admin body parser, the
 * dashboard's form and the README's list derive from this table; the RegisterSpec schema checks
 * the values. No zod here: `herve --help` builds its options from it without loading the schema.
 */

/** How a text value (a flag's argument, a form value) becomes the spec's value. */
export type FieldKind =
  /** kept as typed */
  | 'text'
  /** digits only (`0x10` and `1e3` stay text, so the schema names the field) */
  | 'integer'
  /** true/false, 1/0, yes/no */
  | 'boolean'
  /** repeatable; each value appended */
  | 'list'
  /** `KEY=VALUE` on the CLI, `key.NAME=VALUE` in a form; into a record */
  | 'pairs'
  /** a health path, or `none` for no probe (null) */
  | 'probe-path';

export interface RegisterField {
  /** The form/admin key; `pairs` fields take `key.NAME`. */
  key: string;
  /** Other form keys meaning the same. */
  aliases?: readonly string[];
  /** Where the value goes in a RegisterSpec. */
  path: readonly string[];
  kind: FieldKind;
  /** The `herve register` option (commander syntax); none for the type and the program, which are operands. */
  flag?: string;
  help: string;
}

const FIELD_TABLE = [
  { key: 'type', path: ['type'], kind: 'text', help: 'echo, static, sse, … or command' },
  { key: 'name', path: ['name'], kind: 'text', flag: '--name <name>', help: 'service name (default: the type)' },
  { key: 'description', path: ['description'], kind: 'text', flag: '--description <text>', help: 'one line saying what it is' },
  { key: 'command', path: ['command'], kind: 'text', help: 'for type command: the program to run' },
  { key: 'args', aliases: ['arg'], path: ['args'], kind: 'list', help: "the program's arguments (repeatable)" },
  { key: 'replicas', path: ['replicas'], kind: 'integer', flag: '--replicas <n>', help: 'instances to run, load-balanced' },
  { key: 'port', path: ['port'], kind: 'integer', flag: '--port <n>', help: 'a fixed port for a program that must own one (then 1 replica)' },
  {
    key: 'health',
    aliases: ['health.path'],
    path: ['health', 'path'],
    kind: 'probe-path',
    flag: '--health <path|none>',
    help: 'readiness probe path (default /health), or none',
  },
  {
    key: 'maxFails',
    aliases: ['health.passive.maxFails'],
    path: ['health', 'passive', 'maxFails'],
    kind: 'integer',
    flag: '--max-fails <n>',
    help: 'passive health: failed requests within 10 s that take an instance out of rotation (default 3; 0 = never)',
  },
  { key: 'restart', aliases: ['restart.policy'], path: ['restart', 'policy'], kind: 'text', flag: '--restart <policy>', help: 'always, on-failure or never' },
  { key: 'cwd', path: ['cwd'], kind: 'text', flag: '--cwd <dir>', help: 'working directory (relative to here)' },
  { key: 'env', path: ['env'], kind: 'pairs', flag: '--env <KEY=VALUE>', help: 'environment variable (repeatable)' },
  {
    key: 'option',
    aliases: ['options'],
    path: ['options'],
    kind: 'pairs',
    flag: '--opt <KEY=VALUE>',
    help: 'type option, e.g. --opt root=./public for static (repeatable)',
  },
  { key: 'start', path: ['start'], kind: 'boolean', flag: '--no-start', help: 'only record it; start later with herve start' },
] as const satisfies readonly RegisterField[];

export const REGISTER_FIELDS: readonly RegisterField[] = FIELD_TABLE;

/** A field's form key, as the table spells it. */
export type RegisterFieldKey = (typeof FIELD_TABLE)[number]['key'];

/** The field with this form key (every key is in the table, so it is always found). */
export function registerField(key: RegisterFieldKey): RegisterField {
  const field = REGISTER_FIELDS.find((candidate) => candidate.key === key);
  if (field === undefined) throw new Error(`no register field ${key}`);
  return field;
}

type FlagWord<Flag extends string> = Flag extends `--no-${infer Word}`
  ? Word
  : Flag extends `--${infer Word} ${string}`
    ? Word
    : Flag extends `--${infer Word}`
      ? Word
      : never;
type CamelCase<Word extends string> = Word extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : Word;
type FlagValue<Kind extends FieldKind> = Kind extends 'integer' ? number : Kind extends 'pairs' | 'list' ? string[] : Kind extends 'boolean' ? boolean : string;
type FlaggedField = Extract<(typeof FIELD_TABLE)[number], { flag: string }>;

/** What `herve register`'s field options hold once commander parsed them (`--no-start` → start, `--opt` → opt). */
export type RegisterFlagValues = { [Field in FlaggedField as CamelCase<FlagWord<Field['flag']>>]?: FlagValue<Field['kind']> };

/** Type options that name a directory: sent as absolute paths, resolved where they were written. */
export const PATH_OPTIONS: readonly string[] = ['root'];

/** Nested settings reachable as `health.<setting>` and `restart.<setting>` (form keys); digits become numbers. */
export const SETTING_GROUPS = ['health', 'restart'] as const;
export type SettingGroup = (typeof SETTING_GROUPS)[number];

const INTEGER = /^-?\d+$/;

/** A strict integer, or the text unchanged so the schema reports the field. */
/** `target[key]` as an object, created empty when missing: how a field's path is walked to its leaf. */
export function childObject(target: Record<string, unknown>, key: string): Record<string, unknown> {
  const existing = target[key];
  if (existing !== null && typeof existing === 'object') return existing as Record<string, unknown>;
  const created: Record<string, unknown> = {};
  target[key] = created;
  return created;
}

export function parseInteger(text: string): number | string {
  return INTEGER.test(text) ? Number(text) : text;
}

export function parseBoolean(text: string): boolean | string {
  if (text === 'true' || text === '1' || text === 'yes') return true;
  if (text === 'false' || text === '0' || text === 'no') return false;
  return text;
}

/** A text value as its field's spec value (not validated: the schema does that). */
export function fieldValue(field: RegisterField, text: string): unknown {
  switch (field.kind) {
    case 'integer':
      return parseInteger(text);
    case 'boolean':
      return parseBoolean(text);
    case 'probe-path':
      return text === 'none' ? null : text;
    default:
      return text;
  }
}

/** A field's flag without its argument: `--replicas <n>` → `--replicas`. */
export function flagOf(field: RegisterField): string | undefined {
  return field.flag?.replace(/ .*$/, '');
}

/** Where a field's value goes in a spec: the nested groups, then its key in the innermost one. */
export function specPathOf(field: RegisterField): { groups: readonly string[]; leaf: string } {
  const leaf = field.path.at(-1);
  if (leaf === undefined) throw new Error(`register field ${field.key} has no spec path`);
  return { groups: field.path.slice(0, -1), leaf };
}

/** The field a form key names, and the record key for `pairs` (`env.MODE` → env, MODE). */
export function fieldForKey(key: string): { field: RegisterField; entry?: string } | undefined {
  const direct = REGISTER_FIELDS.find((field) => field.key === key || field.aliases?.includes(key));
  if (direct && direct.kind !== 'pairs') return { field: direct };
  const dot = key.indexOf('.');
  if (dot <= 0) return undefined;
  const head = key.slice(0, dot);
  const entry = key.slice(dot + 1);
  const pairs = REGISTER_FIELDS.find((field) => field.kind === 'pairs' && (field.key === head || field.aliases?.includes(head)));
  if (pairs && entry.length > 0) return { field: pairs, entry };
  return undefined;
}

/** The flag (or form key) to name in an error about a spec path, e.g. `--replicas` for ['replicas']. */
export function flagForPath(path: readonly PropertyKey[]): string | undefined {
  const joined = path.map(String).join('.');
  const field = REGISTER_FIELDS.find(
    (candidate) => candidate.path.join('.') === joined || (candidate.kind === 'pairs' && joined.startsWith(`${candidate.path.join('.')}.`)),
  );
  if (!field) return undefined;
  if (field.key === 'type') return '<type>';
  return flagOf(field)?.replace(/^--no-/, '--');
}

/** Every form key the admin API accepts, for its error hint. */
export function formKeysSummary(): string {
  const keys = REGISTER_FIELDS.map((field) => (field.kind === 'pairs' ? `${field.key}.<NAME>` : field.key));
  return [...keys, ...SETTING_GROUPS.map((group) => `${group}.<setting>`)].join(', ');
}
