import type { ServiceStatus } from '../../protocol/index.js';

/** The terminal colours a status may take in the CLI; the dashboard takes its colours from its theme. */
export type StatusColour = 'green' | 'yellow' | 'magenta' | 'red' | 'dim';

/**
 * A symbol per status so a table reads without colour (NO_COLOR, colour blindness), and the
 * colour the CLI paints it (the default theme's, where `dim` is its `gray`).
 */
export const STATUS_LOOK: Record<ServiceStatus, { symbol: string; colour: StatusColour }> = {
  running: { symbol: '●', colour: 'green' },
  starting: { symbol: '◔', colour: 'yellow' },
  stopping: { symbol: '◕', colour: 'yellow' },
  stopped: { symbol: '○', colour: 'dim' },
  unhealthy: { symbol: '▲', colour: 'magenta' },
  crashed: { symbol: '✖', colour: 'red' },
  joined: { symbol: '◆', colour: 'green' },
  lost: { symbol: '◇', colour: 'magenta' },
};

export function statusSymbol(status: ServiceStatus): string {
  return STATUS_LOOK[status].symbol;
}

/** `● running` */
export function statusLabel(status: ServiceStatus): string {
  return `${statusSymbol(status)} ${status}`;
}
