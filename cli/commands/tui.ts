import { writeOut } from '../support/output.js';

export interface TuiOptions {
  theme?: string;
}

interface TuiModule {
  runTui(options: { theme?: string }): Promise<void>;
}

/** The dashboard lives in cli/tui/run.js; it alone loads Ink and React. */
async function loadTui(): Promise<TuiModule | null> {
  const url = new URL('../tui/run.js', import.meta.url);
  try {
    return (await import(url.href)) as TuiModule;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Only "the dashboard is not built" falls back; a broken dashboard is a real error.
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(url.pathname)) return null;
    throw error;
  }
}

export async function run(options: TuiOptions): Promise<number> {
  const tui = await loadTui();
  if (tui) {
    await tui.runTui({ theme: options.theme });
    return 0;
  }
  const ls = await import('./ls.js');
  const code = await ls.run({});
  await writeOut('\n(the live dashboard is not available in this build; this is `herve ls`)\n');
  return code;
}
