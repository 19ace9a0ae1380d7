#!/usr/bin/env node
import { CommanderError } from 'commander';
import { ConnectionLostError, UserError } from './client/errors.js';
import { buildProgram, type Outcome } from './program.js';
import { stderrStyle } from './presentation/terminal.js';

/** EX_SOFTWARE from sysexits(3): a bug in herve, not a problem the user can fix. */
const INTERNAL_ERROR_EXIT = 70;
/** Wrong arguments (commander already printed what). */
const USAGE_EXIT = 2;

function printError(message: string, hint?: string): void {
  const style = stderrStyle();
  process.stderr.write(`${style.red('error')}: ${message}\n${hint ? `  ${style.dim('hint:')} ${hint}\n` : ''}`);
}

/** The one place errors become output and an exit code. */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? 0 : USAGE_EXIT;
  }
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

async function main(): Promise<void> {
  // `herve logs | head` closes our stdout early: that is a normal end, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  const outcome: Outcome = { exitCode: 0 };
  let exitCode: number;
  try {
    await buildProgram(outcome).parseAsync(process.argv);
    exitCode = outcome.exitCode;
  } catch (error) {
    exitCode = exitCodeFor(error);
  }
  process.exit(exitCode);
}

void main();
