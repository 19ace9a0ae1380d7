import { describe, expect, it } from 'vitest';
import { anyPackage, importsOutside } from '../helpers/imports.js';

/**
 * The dashboard talks to the daemon only through the protocol and the client seam, and draws
 * with the presentation it shares with the CLI (symbols, colours, formatters).
 */
const ALLOWED_ROOTS = ['cli/tui', 'cli/client', 'cli/presentation', 'protocol', 'themes'];

describe('cli/tui import boundary', () => {
  it('imports nothing from daemon/ or services/ (only protocol/, cli/client/, cli/presentation/, themes/)', () => {
    expect(importsOutside(['cli/tui', 'themes'], ALLOWED_ROOTS, anyPackage)).toEqual([]);
  });
});
