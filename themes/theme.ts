import type { ThemeData } from './theme-schema.js';
import defaultTheme from './default.json' with { type: 'json' };
import highContrastTheme from './high-contrast.json' with { type: 'json' };
import lightTheme from './light.json' with { type: 'json' };

type Colourless<T> = T extends string
  ? string | undefined
  : T extends Array<infer U>
    ? Array<Colourless<U>>
    : { [K in keyof T]: K extends 'name' | 'description' ? T[K] : Colourless<T[K]> };

/** What components read; every colour may be absent (NO_COLOR), so components must not rely on colour alone. */
export type Theme = Colourless<ThemeData> & { name: string; description: string; colour: boolean };

// Checked against ThemeSchema by the tests, not at run time: the dashboard does not load zod.
const bundled: ThemeData[] = [defaultTheme, lightTheme, highContrastTheme];

/** Theme names in the order `t` cycles through them. */
export const THEME_NAMES: readonly string[] = bundled.map((theme) => theme.name);
export const DEFAULT_THEME = 'default';

export class UnknownThemeError extends Error {
  constructor(readonly requested: string) {
    super(`unknown theme "${requested}" (known: ${THEME_NAMES.join(', ')})`);
    this.name = 'UnknownThemeError';
  }
}

/** The theme by name; throws UnknownThemeError naming the known ones. */
export function loadTheme(name: string, options: { colour?: boolean } = {}): Theme {
  const data = bundled.find((theme) => theme.name === name);
  if (!data) throw new UnknownThemeError(name);
  const colour = options.colour ?? true;
  return colour ? { ...data, colour } : stripColours(data);
}

/** The theme after `current` in cycling order. */
export function nextThemeName(current: string): string {
  const index = THEME_NAMES.indexOf(current);
  return THEME_NAMES[(index + 1) % THEME_NAMES.length] ?? current;
}

/** `--theme` wins over `HERVE_THEME`, which wins over the default. */
export function chooseThemeName(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag && flag.length > 0) return flag;
  const fromEnv = env.HERVE_THEME;
  return fromEnv && fromEnv.length > 0 ? fromEnv : DEFAULT_THEME;
}

/** https://no-color.org: any non-empty NO_COLOR turns colours off. */
export function colourWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

function stripColours(data: ThemeData): Theme {
  const none = undefined;
  return {
    name: data.name,
    description: data.description,
    colour: false,
    status: { running: none, starting: none, stopping: none, stopped: none, unhealthy: none, crashed: none, joined: none, lost: none },
    accent: none,
    border: none,
    text: none,
    dim: none,
    selection: { foreground: none, background: none },
    success: none,
    warning: none,
    error: none,
    servicePalette: [none],
  };
}
