import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { appendFileSync } from 'node:fs';

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
 * Appends text to one log file without blocking the event loop per line:
 * text is buffered and written in batches, one write in flight at a time,
 * and the file is rotated by size at line boundaries.
 */
export class LogFileWriter {
  private pending: string[] = [];
  private handle: FileHandle | null = null;
  private size = 0;
  private draining: Promise<void> | null = null;
  private queued = 0;
  private written = 0;
  private waiters: { target: number; resolve: () => void }[] = [];
  private closed = false;
  private failure: unknown = null;
  private rotationHolds = 0;

  constructor(private readonly path: string, private readonly policy: RotationPolicy) {}

  write(text: string): void {
    if (this.closed) {
      appendFileSync(this.path, text);
      return;
    }
    this.pending.push(text);
    this.queued++;
    if (!this.draining) this.draining = new Promise((resolve) => setImmediate(resolve)).then(() => this.drain());
  }

  /** Resolves once everything written before the call is on disk (in the kernel's hands). */
  flushed(): Promise<void> {
    if (this.written >= this.queued) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ target: this.queued, resolve }));
  }

  async close(): Promise<void> {
    await this.flushed();
    this.closed = true;
    await this.draining;
    await this.handle?.close();
    this.handle = null;
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

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      const count = batch.length;
      this.pending = [];
      try {
        await this.writeBatch(Buffer.from(batch.join('')));
      } catch (error) {
        this.failure = error;
        await this.handle?.close().catch(() => undefined);
        this.handle = null;
      }
      this.written += count;
      this.wakeWaiters();
    }
    this.draining = null;
  }

  private wakeWaiters(): void {
    const ready = this.waiters.filter((waiter) => waiter.target <= this.written);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => waiter.target > this.written);
    for (const waiter of ready) waiter.resolve();
  }

  private async writeBatch(data: Buffer): Promise<void> {
    let rest = data;
    while (rest.length > 0) {
      const handle = await this.openHandle();
      const room = this.policy.maxFileBytes - this.size;
      let cut = rest.length <= room ? rest.length : room > 0 ? rest.lastIndexOf(0x0a, room - 1) + 1 : 0;
      if (cut === 0) {
        if (this.size > 0 && this.rotationHolds === 0) {
          await this.rotate();
          continue;
        }
        // A line longer than a whole file is kept whole rather than cut; while a reader
        // holds rotation off, the file grows past its limit for that moment instead.
        cut = this.rotationHolds > 0 ? rest.length : rest.indexOf(0x0a) + 1 || rest.length;
      }
      await handle.write(rest.subarray(0, cut));
      this.size += cut;
      rest = rest.subarray(cut);
    }
  }

  private async openHandle(): Promise<FileHandle> {
    if (this.handle) return this.handle;
    const handle = await open(this.path, 'a', 0o600);
    this.size = (await handle.stat()).size;
    this.handle = handle;
    return handle;
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
    const keep = this.policy.keepFiles;
    if (keep <= 0) {
      await unlink(this.path).catch(ignoreMissing);
      return;
    }
    for (let index = keep - 1; index >= 0; index--) {
      await rename(rotatedPath(this.path, index), rotatedPath(this.path, index + 1)).catch(ignoreMissing);
    }
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}
