import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/daemon.js';

const PLATFORM = join(PROJECT_ROOT, 'platform');

describe('platform/ is a leaf', () => {
  it('imports nothing but node:*, so the daemon, the CLI and the services can all share it', () => {
    const files = readdirSync(PLATFORM).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(0);
    const offending: string[] = [];
    for (const name of files) {
      const file = join(PLATFORM, name);
      for (const [, target] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
        if (!target.startsWith('node:')) offending.push(`${relative(PROJECT_ROOT, file)} imports ${target}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
