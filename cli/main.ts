#!/usr/bin/env node
import { fastInvocation } from './fast-path.js';
import { runFastPath } from './fast-load.js';

// The hot commands skip commander and zod (cli/fast-path.ts); everything else is the full program.
const invocation = fastInvocation(process.argv.slice(2));
if (invocation) void runFastPath(invocation);
else void import('./run-program.js').then(({ runProgram }) => runProgram(process.argv));
