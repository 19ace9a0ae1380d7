import type { LogLine } from '../../protocol/index.js';
import type { DaemonClient } from '../client/index.js';

/**
 * Batches lines that arrive close together into one write, so a burst of
 * thousands of lines costs a handful of syscalls instead of one each.
 */
export class LineBatcher {
  private pending: string[] = [];
  private scheduled = false;

  constructor(private readonly write: (text: string) => void) {}

  push(text: string): void {
    if (text.length === 0) return;
    this.pending.push(text);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.write(text);
  }
}

function lineKey(line: LogLine): string {
  return `${line.service}\u0000${line.instance}\u0000${line.stream}\u0000${line.at}\u0000${line.line}`;
}

/**
 * Lines that arrived live while the history was being fetched, minus those
 * the history already holds (subscribing first means nothing falls in between).
 */
export function linesAfterHistory(history: LogLine[], live: LogLine[]): LogLine[] {
  const last = history[history.length - 1];
  if (!last) return live;
  const seenAtLast = new Set(history.filter((line) => line.at === last.at).map(lineKey));
  return live.filter((line) => line.at > last.at || (line.at === last.at && !seenAtLast.has(lineKey(line))));
}

/** Resolves when the user presses Ctrl-C (or SIGTERM) or the daemon goes away; says which. */
export function untilInterruptedOrClosed(client: DaemonClient): Promise<'interrupted' | 'closed'> {
  return new Promise((resolve) => {
    const done = (why: 'interrupted' | 'closed') => () => {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onInterrupt);
      stopClose();
      resolve(why);
    };
    const onInterrupt = done('interrupted');
    process.on('SIGINT', onInterrupt);
    process.on('SIGTERM', onInterrupt);
    const stopClose = client.onClose(done('closed'));
  });
}
