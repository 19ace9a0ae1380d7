import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cliDir = join(root, 'cli');
/**
 * cli/ may reach only itself, the shared protocol, the theme data the dashboard draws with
 * (themes/) and the node:*-only helpers for /proc and the package's location (platform/) —
 * never daemon/ or services/.
 */
const allowed = [join(root, 'cli'), join(root, 'protocol'), join(root, 'themes'), join(root, 'platform')];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier: static `from '…'`, side-effect `import '…'`, and `import('…')`. */
function specifiers(source: string): string[] {
  const pattern = /(?:from\s+|import\s*\(\s*|import\s+)['"`]([^'"`]+)['"`]/g;
  return [...source.matchAll(pattern)].map((match) => match[1]);
}

describe('cli/ imports', () => {
  it('reach only cli/, protocol/, themes/ and platform/ (plus packages), never daemon/ or services/', () => {
    const files = sourceFiles(cliDir);
    expect(files.length).toBeGreaterThan(5);
    const violations: string[] = [];
    for (const file of files) {
      for (const specifier of specifiers(readFileSync(file, 'utf8'))) {
        if (!specifier.startsWith('.')) continue;
        const target = resolve(dirname(file), specifier);
        if (!allowed.some((dir) => target === dir || target.startsWith(`${dir}/`))) {
          violations.push(`${relative(root, file)} imports ${specifier}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('keep Ink and React out of everything but the dashboard', () => {
    const outside = sourceFiles(cliDir).filter((file) => !file.startsWith(join(cliDir, 'tui') + '/'));
    const heavy = outside.filter((file) => specifiers(readFileSync(file, 'utf8')).some((s) => /^(ink|react)(\/|$)/.test(s)));
    expect(heavy.map((file) => relative(root, file))).toEqual([]);
  });
});
