import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'herve';

let cached: string | undefined;

function isHerveRoot(dir: string): boolean {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/**
 * The directory holding herve's package.json. Found by walking up from this code's own file,
 * because that file moves: platform/ in the sources, dist/platform/ built by tsc, dist/cli/ or
 * dist/cli/chunks/ once bundled into the CLI, dist/daemon/ or dist/daemon/chunks/ in the daemon.
 */
export function packageRoot(): string {
  if (cached) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (isHerveRoot(dir)) {
      cached = dir;
      return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no package.json named "${PACKAGE_NAME}" above ${start}`);
  }
}

/** A path inside the installed package, e.g. packagePath('dist/daemon/main.js'). */
export function packagePath(relative: string): string {
  return join(packageRoot(), relative);
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}
