import { join } from 'node:path';
import type { RegisterInput } from '../../protocol/index.js';
import { PROJECT_ROOT } from './daemon.js';

export const FIXTURES_DIR = join(PROJECT_ROOT, 'test', 'fixtures');

/** A `command` registration running one of test/fixtures/*.mjs with node. */
export function fixtureService(name: string, fixture: string, extra: Partial<RegisterInput> = {}): RegisterInput {
  return { type: 'command', name, command: process.execPath, args: [join(FIXTURES_DIR, fixture)], ...extra };
}
