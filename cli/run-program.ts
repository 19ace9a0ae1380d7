import { CommanderError } from 'commander';
import { runToExit } from './exit.js';
import { buildProgram, type Outcome } from './program.js';

/** Wrong arguments (commander already printed what). */
const USAGE_EXIT = 2;

/** Every command, parsed by commander (cli/program.ts). */
export function runProgram(argv: string[]): Promise<never> {
  return runToExit(async () => {
    const outcome: Outcome = { exitCode: 0 };
    try {
      await buildProgram(outcome).parseAsync(argv);
    } catch (error) {
      if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_EXIT;
      throw error;
    }
    return outcome.exitCode;
  });
}
