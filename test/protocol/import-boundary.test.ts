import { describe, expect, it } from 'vitest';
import { importsOutside, sourceFiles } from '../helpers/imports.js';

/** The socket's messages and what both sides name alike: zod schemas, and node:os/node:path for HERVE_HOME's paths. */
const PACKAGES = ['zod', 'node:os', 'node:path'];

describe('protocol/ imports', () => {
  it('reach only protocol/ itself, zod and node:os/node:path: no file reading, no YAML, no daemon or client code', () => {
    expect(sourceFiles('protocol').length).toBeGreaterThan(5);
    expect(importsOutside(['protocol'], ['protocol'], (specifier) => PACKAGES.includes(specifier))).toEqual([]);
  });
});
