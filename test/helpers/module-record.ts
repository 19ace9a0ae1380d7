import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startDaemon, type StartDaemonOptions, type TestDaemon } from './daemon.js';
import { FIXTURES_DIR } from './fixtures.js';

let recordDir: string | undefined;
afterEach(() => {
  if (recordDir) rmSync(recordDir, { recursive: true, force: true });
  recordDir = undefined;
});

/** A real daemon whose node records every module it resolves (test/fixtures/module-record), to see what it loaded. */
export async function startRecordingDaemon(env: NodeJS.ProcessEnv = {}, options: Omit<StartDaemonOptions, 'env'> = {}): Promise<TestDaemon> {
  recordDir = mkdtempSync('/tmp/hv-modules-');
  return startDaemon({
    ...options,
    env: { ...env, NODE_OPTIONS: `--import ${join(FIXTURES_DIR, 'module-record', 'register.mjs')}`, MODULE_RECORD_DIR: recordDir },
  });
}

/** The module URLs the daemon has resolved so far. */
export function loadedModules(daemon: TestDaemon): string[] {
  if (!recordDir) throw new Error('not a recording daemon: start it with startRecordingDaemon');
  return readFileSync(join(recordDir, String(daemon.pid)), 'utf8').split('\n');
}
