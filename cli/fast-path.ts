/**
 * The commands run most often, recognised without commander: `ls`/`status [--json]` and
 * `start`/`stop <service> [--json] [--no-wait]`, in any order, each flag at most once. Anything
 * else (help, another flag, a missing or extra operand, `--`) is left to the full program, so
 * every message about arguments stays commander's.
 */
export type FastInvocation = { command: 'ls'; json: boolean } | { command: 'start' | 'stop'; service: string; json: boolean; wait: boolean };

const LIST = new Set(['ls', 'status']);
const LIFECYCLE = new Set(['start', 'stop']);

/** The invocation when `args` (argv after the script) is one the fast path runs as the full program would; else null. */
export function fastInvocation(args: readonly string[]): FastInvocation | null {
  const [command, ...rest] = args;
  if (command === undefined) return null;
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
