import { appendFileSync, closeSync, fstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';

export interface RotationPolicy {
  maxFileBytes: number;
  /** Rotated files kept beside the live one: `.log.1` … `.log.<keepFiles>`. */
  keepFiles: number;
}

/** The file of rotation step `index` (0 is the live file). */
export function rotatedPath(path: string, index: number): string {
  return index === 0 ? path : `${path}.${index}`;
}

/**
 * Appends text to one log file, rotated by size at line boundaries. Text is gathered and written
 * once per tick (one write for a burst of lines), or at once with `flushNow()`: a service's output
 * is written as soon as it is read, so a daemon killed with -9 leaves nothing read and unwritten.
 * Writes are synchronous: they go to the kernel's page cache, and ordering stays trivial.
 */
export class LogFileWriter {
  private pending: string[] = [];
  private fd: number | null = null;
  private size = 0;
  private scheduled = false;
  private closed = false;
  private failure: unknown = null;
  private rotationHolds = 0;

  constructor(
    private readonly path: string,
    private readonly policy: RotationPolicy,
  ) {}

  write(text: string): void {
    if (this.closed) {
      appendFileSync(this.path, text);
      return;
    }
    this.pending.push(text);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flushNow());
  }

  /** Writes what is pending now. */
  flushNow(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = Buffer.from(this.pending.join(''));
    this.pending = [];
    try {
      this.writeBatch(batch);
    } catch (error) {
      this.failure = error;
      this.closeFile();
    }
  }

  /** Resolves once everything written before the call is on disk (in the kernel's hands). */
  flushed(): Promise<void> {
    this.flushNow();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.flushNow();
    this.closed = true;
    this.closeFile();
  }

  /**
   * Defers rotation until the returned release is called, so a reader walking
   * `.log`, `.log.1` … does not see a file move under it and read it twice.
   */
  holdRotation(): () => void {
    this.rotationHolds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.rotationHolds--;
    };
  }

  /** The last write error, if the disk refused (kept so the daemon can report it). */
  get lastError(): unknown {
    return this.failure;
  }

  private writeBatch(data: Buffer): void {
    let rest = data;
    while (rest.length > 0) {
      const fd = this.openFile();
      const room = this.policy.maxFileBytes - this.size;
      let cut = rest.length <= room ? rest.length : room > 0 ? rest.lastIndexOf(0x0a, room - 1) + 1 : 0;
      if (cut === 0) {
        if (this.size > 0 && this.rotationHolds === 0) {
          this.rotate();
          continue;
        }
        // A line longer than a whole file is kept whole rather than cut; while a reader
        // holds rotation off, the file grows past its limit for that moment instead.
        cut = this.rotationHolds > 0 ? rest.length : rest.indexOf(0x0a) + 1 || rest.length;
      }
      let done = 0;
      while (done < cut) done += writeSync(fd, rest, done, cut - done);
      this.size += cut;
      rest = rest.subarray(cut);
    }
  }

  private openFile(): number {
    if (this.fd !== null) return this.fd;
    const fd = openSync(this.path, 'a', 0o600);
    this.size = fstatSync(fd).size;
    this.fd = fd;
    return fd;
  }

  private closeFile(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already gone with the disk that failed
    }
    this.fd = null;
  }

  private rotate(): void {
    this.closeFile();
    const keep = this.policy.keepFiles;
    if (keep <= 0) {
      unlinkIfThere(this.path);
      return;
    }
    for (let index = keep - 1; index >= 0; index--) renameIfThere(rotatedPath(this.path, index), rotatedPath(this.path, index + 1));
  }
}

function renameIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
