import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/daemon.js';

const HEAP_FLAGS = join(PROJECT_ROOT, 'dist', 'daemon', 'startup', 'heap-flags.js');

// A burst of short-lived objects, then the young generation's size, in a fresh node.
const PROBE = `
import { getHeapSpaceStatistics } from 'node:v8';
if (process.argv[1]) await import(process.argv[1]);
const keep = [];
for (let i = 0; i < 200000; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 50000) keep.length = 0; }
console.log(getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size);
`;

function youngGenerationAfterBurst(preload?: string): number {
  const args = ['--input-type=module', '-e', PROBE, ...(preload ? [preload] : [])];
  return Number(execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 10_000 }).trim());
}

describe('the daemon’s heap flags', () => {
  it('keep the young generation from growing after a burst of allocation', () => {
    const MB = 1024 * 1024;
    // Without them V8 grows the semi-spaces toward 16 MB and keeps them; the daemon's idle RSS showed it.
    expect(youngGenerationAfterBurst()).toBeGreaterThan(4 * MB);
    expect(youngGenerationAfterBurst(HEAP_FLAGS)).toBeLessThanOrEqual(2 * MB);
  });
});
