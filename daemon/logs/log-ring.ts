import type { LogLine } from '../../protocol/index.js';

/** The last lines of one service, bounded by count and by characters held. */
export class LogRing {
  private lines: LogLine[] = [];
  private head = 0;
  private chars = 0;

  constructor(
    private readonly maxLines: number,
    private readonly maxChars: number,
  ) {}

  get size(): number {
    return this.lines.length - this.head;
  }

  push(line: LogLine): void {
    if (this.maxLines <= 0) return;
    this.lines.push(line);
    this.chars += line.line.length;
    while (this.size > this.maxLines || (this.chars > this.maxChars && this.size > 1)) {
      this.chars -= this.lines[this.head]!.line.length;
      this.head++;
    }
    // Compact now and then instead of shifting on every push.
    if (this.head > 1024 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.head = 0;
    }
  }

  /** Up to `count` newest lines that pass `accept`, oldest first. */
  last(count: number, accept: (line: LogLine) => boolean): LogLine[] {
    const found: LogLine[] = [];
    for (let i = this.lines.length - 1; i >= this.head && found.length < count; i--) {
      const line = this.lines[i]!;
      if (accept(line)) found.push(line);
    }
    return found.reverse();
  }
}
