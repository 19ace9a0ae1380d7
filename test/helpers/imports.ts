import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const REPOSITORY_ROOT = resolve(import.meta.dirname, '../..');

/** Every .ts/.tsx file under `dir` (relative to the repository), recursively. */
export function sourceFiles(dir: string): string[] {
  const absolute = resolve(REPOSITORY_ROOT, dir);
  return readdirSync(absolute, { withFileTypes: true }).flatMap((entry) => {
    const path = join(absolute, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier: static `from '…'`, side-effect `import '…'`, and `import('…')`. */
export function importSpecifiers(source: string): string[] {
  const pattern = /(?:from\s+|import\s*\(\s*|import\s+)['"`]([^'"`]+)['"`]/g;
  return [...source.matchAll(pattern)].flatMap(([, specifier]) => (specifier === undefined ? [] : [specifier]));
}

const withoutExtension = (path: string): string => path.replace(/\.(js|ts|tsx)$/, '');

/** `path` is `root` (a folder, or a file named with either extension) or lies under it. */
function inside(root: string, path: string): boolean {
  return withoutExtension(path) === withoutExtension(root) || path.startsWith(`${root}/`);
}

/**
 * `file imports specifier` for each import in the files under `dirs` that is neither relative
 * into one of `allowedDirs` nor one of the packages `allowedPackages` accepts (all relative to the repository).
 */
export function importsOutside(dirs: readonly string[], allowedDirs: readonly string[], allowedPackages: (specifier: string) => boolean): string[] {
  const allowed = allowedDirs.map((dir) => resolve(REPOSITORY_ROOT, dir));
  const violations: string[] = [];
  for (const file of dirs.flatMap(sourceFiles)) {
    for (const specifier of importSpecifiers(readFileSync(file, 'utf8'))) {
      const ok = specifier.startsWith('.') ? allowed.some((dir) => inside(dir, resolve(dirname(file), specifier))) : allowedPackages(specifier);
      if (!ok) violations.push(`${relative(REPOSITORY_ROOT, file)} imports ${specifier}`);
    }
  }
  return violations;
}

export const anyPackage = (): boolean => true;
export const nodeBuiltinsOnly = (specifier: string): boolean => specifier.startsWith('node:');
