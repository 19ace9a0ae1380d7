import { createContext, useContext } from 'react';
import { loadTheme, type Theme } from '../../themes/index.js';

export const ThemeContext = createContext<Theme>(loadTheme('default'));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** A stable colour per service name, for log prefixes. */
export function serviceColour(theme: Theme, name: string): string | undefined {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  return theme.servicePalette[hash % theme.servicePalette.length];
}
