import type { OptionsOf } from '../program.js';

/** The dashboard lives in cli/tui/run.js; it alone loads Ink and React, so it is imported only here. */
export async function run(options: OptionsOf<'tui'>): Promise<number> {
  const { runTui } = await import('../tui/run.js');
  await runTui({ theme: options.theme });
  return 0;
}
