import type { ServiceStatus } from '../../protocol/index.js';
import { STATUS_LOOK, statusLabel } from './status.js';

type Paint = (text: string) => string;

export interface Style {
  readonly enabled: boolean;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  magenta: Paint;
  cyan: Paint;
  dim: Paint;
  bold: Paint;
}

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org) or TERM=dumb; FORCE_COLOR wins. */
export function colorEnabled(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return Boolean(stream.isTTY);
}

function sgr(open: number, close: number): Paint {
  return (text) => `\x1b[${open}m${text}\x1b[${close}m`;
}

const plain: Paint = (text) => text;

export function createStyle(enabled: boolean): Style {
  if (!enabled) {
    return { enabled, red: plain, green: plain, yellow: plain, blue: plain, magenta: plain, cyan: plain, dim: plain, bold: plain };
  }
  return {
    enabled,
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    magenta: sgr(35, 39),
    cyan: sgr(36, 39),
    dim: sgr(2, 22),
    bold: sgr(1, 22),
  };
}

export function stdoutStyle(): Style {
  return createStyle(colorEnabled(process.stdout));
}

export function stderrStyle(): Style {
  return createStyle(colorEnabled(process.stderr));
}

/** A status with its symbol (always) and its colour (when the style allows). */
export function paintStatus(status: ServiceStatus, style: Style): string {
  return style[STATUS_LOOK[status].colour](statusLabel(status));
}

const NAME_COLOURS = ['cyan', 'magenta', 'blue', 'green', 'yellow'] as const;

/** A stable colour per service name, so interleaved logs stay readable. */
export function paintName(name: string, style: Style): string {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
  return style[NAME_COLOURS[hash % NAME_COLOURS.length]!](name);
}

const ANSI_PATTERN = /\x1b\[[0-9;]*m/g;

/** Width on screen, ignoring colour codes. */
export function visibleWidth(text: string): number {
  return text.replace(ANSI_PATTERN, '').length;
}
