import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/daemon.js';

/**
 * The dashboard talks to the daemon only through the protocol and the client seam, and draws
 * with the presentation it shares with the CLI (symbols, colours, formatters).
 */
const ALLOWED_ROOTS = ['cli/tui', 'cli/client', 'cli/presentation', 'protocol', 'themes'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe('cli/tui import boundary', () => {
  it('imports nothing from daemon/ or services/ (only protocol/, cli/client/, cli/presentation/, themes/)', () => {
    const offenders: string[] = [];
    for (const file of [...sources(join(PROJECT_ROOT, 'cli/tui')), ...sources(join(PROJECT_ROOT, 'themes'))]) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
        const target = relative(PROJECT_ROOT, resolve(file, '..', specifier));
        if (!ALLOWED_ROOTS.some((root) => target === root || target.startsWith(`${root}/`))) {
          offenders.push(`${relative(PROJECT_ROOT, file)} → ${target}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
