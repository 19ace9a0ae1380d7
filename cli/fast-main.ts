// The fast path's entry (dist/cli/fast.cjs, built by scripts/bundle-cli.mjs): the same command
// code as the full program, without commander, and with replies checked by the compiled checks.
import { run as showLogs } from './commands/logs.js';
import { run as listServices } from './commands/ls.js';
import { runToExit } from './exit.js';
import type { FastInvocation } from './fast-path.js';
import { runLifecycle } from './lifecycle/lifecycle.js';

export function runFast(invocation: FastInvocation): Promise<never> {
  return runToExit(() => {
    if (invocation.command === 'ls') return listServices({ json: invocation.json || undefined });
    if (invocation.command === 'logs') return showLogs(invocation.service, { lines: invocation.lines, json: invocation.json || undefined });
    return runLifecycle(invocation.command, invocation.service, { json: invocation.json || undefined, wait: invocation.wait });
  });
}
