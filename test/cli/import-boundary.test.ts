import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { anyPackage, importSpecifiers, importsOutside, REPOSITORY_ROOT, sourceFiles } from '../helpers/imports.js';

const cliDir = join(REPOSITORY_ROOT, 'cli');

describe('cli/ imports', () => {
  it('reach only cli/, protocol/, themes/ and platform/ (plus packages), never daemon/ or services/', () => {
    expect(sourceFiles('cli').length).toBeGreaterThan(5);
    // The theme data the dashboard draws with, and the node:*-only helpers for /proc and the package's location.
    expect(importsOutside(['cli'], ['cli', 'protocol', 'themes', 'platform'], anyPackage)).toEqual([]);
  });

  it('keep Ink and React out of everything but the dashboard', () => {
    const outside = sourceFiles('cli').filter((file) => !file.startsWith(`${join(cliDir, 'tui')}/`));
    const heavy = outside.filter((file) => importSpecifiers(readFileSync(file, 'utf8')).some((s) => /^(ink|react)(\/|$)/.test(s)));
    expect(heavy.map((file) => relative(REPOSITORY_ROOT, file))).toEqual([]);
  });
});
