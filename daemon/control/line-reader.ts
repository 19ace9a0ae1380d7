/**
 * Splits a byte stream into lines, holding at most `maxLineBytes` of an unfinished line.
 * A longer line calls `onOverflow` once and the reader stops (the caller closes the connection).
 */
export class LineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowed = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (!this.overflowed) {
      const newline = chunk.indexOf(0x0a, start);
      if (newline === -1) {
        this.hold(chunk.subarray(start));
        return;
      }
      const piece = chunk.subarray(start, newline);
      if (this.pendingBytes + piece.length > this.maxLineBytes) {
        this.overflow();
        return;
      }
      const line = this.pending.length === 0 ? piece.toString('utf8') : Buffer.concat([...this.pending, piece]).toString('utf8');
      this.pending = [];
      this.pendingBytes = 0;
      start = newline + 1;
      if (line.trim().length > 0) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
  }

  private hold(rest: Buffer): void {
    if (rest.length === 0) return;
    if (this.pendingBytes + rest.length > this.maxLineBytes) {
      this.overflow();
      return;
    }
    this.pending.push(rest);
    this.pendingBytes += rest.length;
  }

  private overflow(): void {
    this.overflowed = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.onOverflow();
  }
}
