import { describe, expect, it } from 'vitest';
import { anyPackage, importsOutside, sourceFiles } from '../helpers/imports.js';

describe('daemon/ imports', () => {
  it('reach only daemon/, protocol/, platform/ and the built-in services catalog, never cli/ or client/', () => {
    expect(sourceFiles('daemon').length).toBeGreaterThan(5);
    expect(importsOutside(['daemon'], ['daemon', 'protocol', 'platform', 'services/catalog.ts'], anyPackage)).toEqual([]);
  });
});
