import { describe, expect, it } from 'vitest';
import { UserError } from '../../cli/client/index.js';
import { runTui } from '../../cli/tui/run.js';

describe('runTui', () => {
  it('refuses an unknown theme, naming the known ones', async () => {
    const error = await runTui({ theme: 'neon' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain('unknown theme "neon"');
    expect((error as UserError).hint).toContain('default, light, high-contrast');
  });

  it('says it needs a terminal when stdout is not one (as under vitest)', async () => {
    const error = await runTui({}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toContain('needs an interactive terminal');
  });
});
