import { describe, expect, it } from 'vitest';
import { importsOutside, nodeBuiltinsOnly } from '../helpers/imports.js';

describe('services/ stand alone', () => {
  it('imports nothing but node:*, other files under services/ and platform/', () => {
    // platform/: the node:*-only helpers every program shares (the package's location).
    expect(importsOutside(['services'], ['services', 'platform'], nodeBuiltinsOnly)).toEqual([]);
  });
});
