import { ConnectionLostError, UserError } from './client/errors.js';
import { stderrStyle } from './presentation/terminal.js';

/** EX_SOFTWARE from sysexits(3): a bug in herve, not a problem the user can fix. */
const INTERNAL_ERROR_EXIT = 70;

function printError(message: string, hint?: string): void {
  const style = stderrStyle();
  process.stderr.write(`${style.red('error')}: ${message}\n${hint ? `  ${style.dim('hint:')} ${hint}\n` : ''}`);
}

/** What an error says to the user, and the exit code it ends with. */
function exitCodeFor(error: unknown): number {
  if (error instanceof UserError) {
    printError(error.message, error.hint);
    return error.exitCode;
  }
  if (error instanceof ConnectionLostError) {
    printError(error.message, 'the daemon may have stopped or crashed; check with: herve status');
    return 1;
  }
  const debug = process.env.HERVE_DEBUG === '1';
  const detail = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
  printError(`internal error: ${detail}`, debug ? undefined : 'run again with HERVE_DEBUG=1 for the stack trace');
  return INTERNAL_ERROR_EXIT;
}

/**
 * The one place a CLI run ends: `command` gives the exit code, or throws an error that becomes
 * output and an exit code here. Both entries (the full program and the fast path) end through it.
 */
export async function runToExit(command: () => Promise<number>): Promise<never> {
  // `herve logs | head` closes our stdout early: that is a normal end, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  let exitCode: number;
  try {
    exitCode = await command();
  } catch (error) {
    exitCode = exitCodeFor(error);
  }
  process.exit(exitCode);
}
