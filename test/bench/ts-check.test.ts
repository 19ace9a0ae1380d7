import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPOSITORY_ROOT } from '../helpers/imports.js';

const BENCH = join(REPOSITORY_ROOT, 'bench');
/** Written on branches that landed beside the one that typed bench/; not yet given their JSDoc types. */
const NOT_YET_CHECKED = ['bench/https.mjs', 'bench/modules.mjs', 'bench/observability.mjs', 'bench/proxy/otlp-sink.mjs', 'bench/scale.mjs'];

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'pm2' ? [] : scripts(path);
    return entry.name.endsWith('.mjs') ? [path] : [];
  });
}

describe('bench/', () => {
  it('every script opts into type checking (tsconfig.bench.json checks only the files that say // @ts-check)', () => {
    const files = scripts(BENCH);
    expect(files.length).toBeGreaterThan(10);
    const unchecked = files.filter((file) => !readFileSync(file, 'utf8').split('\n').slice(0, 2).includes('// @ts-check'));
    expect(unchecked.map((file) => relative(REPOSITORY_ROOT, file)).sort()).toEqual(NOT_YET_CHECKED);
  });
});
