import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  childObject,
  fieldValue,
  flagForPath,
  flagOf,
  specPathOf,
  PATH_OPTIONS,
  REGISTER_FIELDS,
  RegisterSpec,
  type RegisterField,
  type RegisterFlagValues,
  type RegisterInput,
} from '../../protocol/index.js';
import { usageError } from '../client/index.js';

/** What `herve register` collects from its arguments, before validation: the operands and the field table's options. */
export type RegisterArgs = { type: string; command: string[] } & RegisterFlagValues;

/** `K=V` pairs into a record; `what` names the flag in errors. */
export function parsePairs(pairs: string[] | undefined, what: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw usageError(`${what} expects KEY=VALUE, got "${pair}"`, `for example: ${what} PORT_NAME=value`);
    record[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  return record;
}

function existingDirectory(path: string, what: string): string {
  const absolute = resolve(path);
  let isDirectory = false;
  try {
    isDirectory = statSync(absolute).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw usageError(`${what} ${absolute} is not a directory`);
  return absolute;
}

function commandParts(args: RegisterArgs): Pick<RegisterInput, 'command' | 'args'> {
  if (args.type === 'command') {
    const [command, ...rest] = args.command;
    if (command === undefined) {
      throw usageError('the command type needs a program to run after --', 'for example: herve register command --name api -- node server.js');
    }
    return { command, args: rest };
  }
  if (args.command.length > 0) {
    throw usageError(`only the command type takes a program after -- (got type ${args.type})`);
  }
  return {};
}

/** A command runs where it was registered unless --cwd says otherwise: the daemon's own cwd means nothing to the user. */
function workingDirectory(args: RegisterArgs): string | undefined {
  if (args.cwd !== undefined) return existingDirectory(args.cwd, '--cwd');
  return args.type === 'command' ? process.cwd() : undefined;
}

function resolvedOptions(pairs: string[] | undefined): Record<string, string> {
  const options = parsePairs(pairs, '--opt');
  for (const [key, value] of Object.entries(options)) {
    if (PATH_OPTIONS.includes(key)) options[key] = existingDirectory(value, `--opt ${key}:`);
  }
  return options;
}

/** The commander option a field's flag fills: `--no-start` → start, `--opt <K=V>` → opt. */
export function optionName(field: RegisterField): string | undefined {
  const flag = flagOf(field)?.replace(/^--(no-)?/, '');
  return flag?.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The flagged fields' values at their spec paths, as the table says. */
function flaggedFields(args: RegisterArgs): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of REGISTER_FIELDS) {
    const option = optionName(field);
    const value = option === undefined ? undefined : (args as unknown as Record<string, unknown>)[option];
    if (value === undefined) continue;
    let target = input;
    const { groups, leaf } = specPathOf(field);
    for (const step of groups) target = childObject(target, step);
    if (field.kind === 'pairs') target[leaf] = parsePairs(value as string[], flagOf(field) ?? field.key);
    else target[leaf] = typeof value === 'string' ? fieldValue(field, value) : value;
  }
  return input;
}

/** Turn CLI arguments into a validated RegisterSpec (throws a usage error naming the bad field). */
export function buildRegisterSpec(args: RegisterArgs): RegisterSpec {
  if (args.type === 'command' && args.name === undefined) {
    throw usageError('a command service needs a name', 'for example: herve register command --name api -- node server.js');
  }
  const input: RegisterInput = {
    ...flaggedFields(args),
    type: args.type,
    ...commandParts(args),
    cwd: workingDirectory(args),
    options: resolvedOptions(args.opt),
    start: args.start ?? true,
  };
  const parsed = RegisterSpec.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${flagForPath(issue.path) ?? issue.path.join('.')} ${quoteValue(issue.path, input)}${issue.message}`);
  throw usageError(`invalid service: ${problems.join('; ')}`, 'see: herve register --help');
}

function quoteValue(path: PropertyKey[], input: RegisterInput): string {
  const value = path.length === 1 ? (input as Record<string, unknown>)[String(path[0])] : undefined;
  return typeof value === 'string' ? `"${value}" ` : '';
}
