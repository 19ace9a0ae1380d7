import { DEFAULT_LOG_LINES } from '../protocol/constants.js';

/**
 * The commands run most often, recognised without commander: `ls`/`status [--json]`,
 * `start`/`stop <service> [--json] [--no-wait]` and `logs [service] [-n|--lines N] [--json]`, in
 * any order, each flag at most once. Anything else (help, another flag or form of one, a missing,
 * extra or malformed operand or value, `--`) is left to the full program, so every message about
 * arguments stays commander's.
 */
export type FastInvocation =
  | { command: 'ls'; json: boolean }
  | { command: 'start' | 'stop'; service: string; json: boolean; wait: boolean }
  | { command: 'logs'; service: string | undefined; lines: number; json: boolean };

const LIST = new Set(['ls', 'status']);
const LIFECYCLE = new Set(['start', 'stop']);
const LINES_FLAGS = new Set(['-n', '--lines']);

/** The invocation when `args` (argv after the script) is one the fast path runs as the full program would; else null. */
export function fastInvocation(args: readonly string[]): FastInvocation | null {
  const [command, ...rest] = args;
  if (command === undefined) return null;
  if (command === 'logs') return logsInvocation(rest);
  const flags = new Set<string>();
  const operands: string[] = [];
  for (const arg of rest) {
    if (!arg.startsWith('-')) operands.push(arg);
    else if (flags.has(arg)) return null;
    else flags.add(arg);
  }
  if (LIST.has(command)) {
    if (operands.length > 0 || [...flags].some((flag) => flag !== '--json')) return null;
    return { command: 'ls', json: flags.has('--json') };
  }
  if (LIFECYCLE.has(command)) {
    const [service] = operands;
    if (service === undefined || operands.length > 1 || [...flags].some((flag) => flag !== '--json' && flag !== '--no-wait')) return null;
    return { command: command as 'start' | 'stop', service, json: flags.has('--json'), wait: !flags.has('--no-wait') };
  }
  return null;
}

function logsInvocation(args: readonly string[]): FastInvocation | null {
  let json = false;
  let lines: number | undefined;
  const operands: string[] = [];
  for (let at = 0; at < args.length; at++) {
    const arg = args[at] as string;
    if (!arg.startsWith('-')) operands.push(arg);
    else if (arg === '--json' && !json) json = true;
    else if (LINES_FLAGS.has(arg) && lines === undefined) {
      lines = wholeNumber(args[++at]);
      if (lines === undefined) return null;
    } else return null;
  }
  if (operands.length > 1) return null;
  return { command: 'logs', service: operands[0], lines: lines ?? DEFAULT_LOG_LINES, json };
}

/** A value the full program's `--lines` takes as it is written; else undefined, for commander to refuse. */
function wholeNumber(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const parsed = Number(value);
  return parsed <= Number.MAX_SAFE_INTEGER ? parsed : undefined;
}
