import type { LogLine } from '../../../protocol/index.js';

/** The newest `capacity` log lines; older ones fall off so a flooding service cannot grow memory. */
export class LogBuffer {
  private kept: LogLine[] = [];

  constructor(readonly capacity = 500) {}

  append(lines: readonly LogLine[]): void {
    if (lines.length >= this.capacity) {
      this.kept = lines.slice(-this.capacity);
      return;
    }
    this.kept.push(...lines);
    if (this.kept.length > this.capacity) this.kept.splice(0, this.kept.length - this.capacity);
  }

  clear(): void {
    this.kept = [];
  }

  /** A copy the view can hold while the buffer moves on. */
  snapshot(): readonly LogLine[] {
    return this.kept.slice();
  }

  get size(): number {
    return this.kept.length;
  }
}
