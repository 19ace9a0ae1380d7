import type { ServiceStatus } from '../../../protocol/index.js';

/** A symbol per status so the table reads without colour (NO_COLOR, colour blindness). */
export const STATUS_SYMBOL: Record<ServiceStatus, string> = {
  running: '●',
  starting: '◔',
  stopping: '◕',
  stopped: '○',
  unhealthy: '▲',
  crashed: '✖',
  joined: '◆',
  lost: '◇',
};

export function statusLabel(status: ServiceStatus): string {
  return `${STATUS_SYMBOL[status]} ${status}`;
}
