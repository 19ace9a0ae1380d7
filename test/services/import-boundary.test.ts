import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './service-process.js';

const SERVICES = join(REPO_ROOT, 'services');
/** The node:*-only helpers every program shares (the package's location). */
const PLATFORM = join(REPO_ROOT, 'platform');

function inside(dir: string, path: string): boolean {
  return !relative(dir, path).startsWith('..');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('services/ stand alone', () => {
  it('imports nothing but node:*, other files under services/ and platform/', () => {
    const offending: string[] = [];
    for (const file of sourceFiles(SERVICES)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        const target = match[1];
        const resolved = resolve(file, '..', target);
        const allowed = target.startsWith('node:') || (target.startsWith('.') && (inside(SERVICES, resolved) || inside(PLATFORM, resolved)));
        if (!allowed) offending.push(`${relative(REPO_ROOT, file)} imports ${target}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
