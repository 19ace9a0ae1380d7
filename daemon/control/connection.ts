import type { Socket } from 'node:net';
import { MAX_LINE_BYTES, type ErrorBody, type Event } from '../../protocol/index.js';
import { LineReader } from './line-reader.js';

/**
 * A subscriber with more unsent bytes than this when an event is due is sent `lagged` and
 * dropped: fifty that never read must not hold the daemon's memory (logs are on disk to reread).
 */
export const SUBSCRIBER_BACKLOG_BYTES = 2 * 1024 * 1024;
/** A subscriber still reading (its backlog draining) may fall this far behind in a burst. */
export const READING_SUBSCRIBER_BACKLOG_BYTES = 8 * 1024 * 1024;
/** Past SUBSCRIBER_BACKLOG_BYTES, a subscriber whose backlog did not drain for this long is not reading. */
const STALLED_MS = 5000;
/** Above this, even replies are not buffered: the client is hopelessly behind and is disconnected. */
export const DISCONNECT_BYTES = 64 * 1024 * 1024;
/** How long a dropped subscriber has to read its `lagged` notice before its socket is destroyed. */
const LAGGED_GRACE_MS = 30_000;

/** One client on the control socket: its line reader, its topics, and bounded writes. */
export class Connection {
  readonly topics = new Set<string>();
  private readonly reader: LineReader;
  /** Sent `lagged`: no more events, the connection is closing. */
  private lagged = false;
  /** Bytes the socket had handed to the kernel at the last check, and when that last grew. */
  private sentAtCheck = 0;
  private progressAt = Date.now();
  /** Lines written in one tick go out as one chunk: far fewer syscalls under a log flood. */
  private outbox: string[] = [];
  private outboxBytes = 0;

  constructor(
    private readonly socket: Socket,
    onLine: (connection: Connection, line: string) => void,
  ) {
    this.reader = new LineReader(
      MAX_LINE_BYTES,
      (line) => onLine(this, line),
      () => this.refuseOversizedLine(),
    );
    socket.on('data', (chunk: Buffer) => this.reader.push(chunk));
    socket.on('error', () => socket.destroy());
  }

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  reply(id: string | number | null, result: unknown): void {
    this.write({ id, ok: true, result });
  }

  fail(id: string | number | null, error: ErrorBody): void {
    this.write({ id, ok: false, error });
  }

  /**
   * Push an event (`line`: the event already serialized, shared by every subscriber); a subscriber
   * too far behind gets `lagged` and is dropped rather than buffered for.
   */
  push(event: Event, line = serialize(event)): void {
    if (this.lagged) return;
    const unsentBytes = this.unsentBytes();
    if (unsentBytes > SUBSCRIBER_BACKLOG_BYTES && (unsentBytes > READING_SUBSCRIBER_BACKLOG_BYTES || this.stalled())) {
      this.dropLagging(unsentBytes);
      return;
    }
    this.enqueue(line);
  }

  follows(topic: string): boolean {
    return this.topics.has(topic);
  }

  onClose(listener: () => void): void {
    this.socket.once('close', listener);
  }

  /** Send what is queued, then close; a peer that does not close its end is cut off shortly after. */
  close(): void {
    this.flush();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 200).unref();
  }

  private write(message: unknown): void {
    this.enqueue(serialize(message));
  }

  private enqueue(line: string): void {
    if (!this.open) return;
    if (this.unsentBytes() > DISCONNECT_BYTES) {
      this.socket.destroy();
      return;
    }
    if (this.outbox.length === 0) setImmediate(() => this.flush());
    this.outbox.push(line);
    this.outboxBytes += line.length;
  }

  private flush(): void {
    if (this.outbox.length === 0) return;
    const chunk = this.outbox.join('');
    this.outbox = [];
    this.outboxBytes = 0;
    if (this.open) this.socket.write(chunk);
  }

  private unsentBytes(): number {
    return this.socket.writableLength + this.outboxBytes;
  }

  /** True when nothing of the backlog reached the client for STALLED_MS. */
  private stalled(): boolean {
    const sent = this.socket.bytesWritten - this.socket.writableLength;
    const now = Date.now();
    if (sent !== this.sentAtCheck) {
      this.sentAtCheck = sent;
      this.progressAt = now;
    }
    return now - this.progressAt > STALLED_MS;
  }

  private dropLagging(unsentBytes: number): void {
    this.lagged = true;
    this.topics.clear();
    // Not handed to the socket yet: dropped now rather than held for a reader that has gone quiet.
    this.outbox = [];
    this.outboxBytes = 0;
    const message = `this client fell ${unsentBytes} bytes behind (limit ${SUBSCRIBER_BACKLOG_BYTES}) and was disconnected; what it missed is in the log files`;
    this.write({ event: 'lagged', data: { unsentBytes, limitBytes: SUBSCRIBER_BACKLOG_BYTES, message } });
    this.flush();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), LAGGED_GRACE_MS).unref();
  }

  private refuseOversizedLine(): void {
    this.socket.pause();
    this.flush();
    const message = `request line over ${MAX_LINE_BYTES} bytes — connection closed`;
    this.socket.end(`${JSON.stringify({ id: null, ok: false, error: { code: 'bad_request', message } })}\n`);
    // end() waits for the peer; do not hold a socket a misbehaving client keeps open.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }
}

/** One protocol line. */
export function serialize(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}
