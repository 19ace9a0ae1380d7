import { describe, expect, it } from 'vitest';
import { importsOutside, nodeBuiltinsOnly, sourceFiles } from '../helpers/imports.js';

describe('platform/ is a leaf', () => {
  it('imports nothing but node:*, so the daemon, the CLI and the services can all share it', () => {
    expect(sourceFiles('platform').length).toBeGreaterThan(0);
    expect(importsOutside(['platform'], [], nodeBuiltinsOnly)).toEqual([]);
  });
});
