import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** Specifiers a module loads at start-up: static imports and re-exports, not `import type`, not `import()`. */
function staticImports(source: string): string[] {
  const pattern = /^(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  return [...source.matchAll(pattern)].map((match) => match[1]);
}

/** Every package and file reached at start-up from `entry` (a .ts source). */
function startupGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of staticImports(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) {
        packages.add(specifier);
        continue;
      }
      const target = resolve(dirname(file), specifier).replace(/\.js$/, '');
      const source = [`${target}.ts`, `${target}.tsx`].find((candidate) => existsSync(candidate));
      if (source) visit(source);
    }
  };
  visit(join(root, entry));
  return { files, packages };
}

describe('CLI start-up stays lean', () => {
  it('the entry (what --help and --version run) loads commander but not zod, ink or react', () => {
    const { packages } = startupGraph('cli/main.ts');
    expect([...packages].filter((name) => !name.startsWith('node:'))).toEqual(['commander']);
  });

  it('ls, start, stop and logs load zod (the protocol) but never ink or react', () => {
    for (const command of ['ls', 'start', 'stop', 'logs', 'register']) {
      const { packages } = startupGraph(`cli/commands/${command}.ts`);
      expect(packages.has('zod'), command).toBe(true);
      expect([...packages].filter((name) => /^(ink|react)(\/|$)/.test(name)), command).toEqual([]);
    }
  });
});
