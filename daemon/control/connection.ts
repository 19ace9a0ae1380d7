import type { Socket } from 'node:net';
import { MAX_LINE_BYTES, type ErrorBody, type Event } from '../../protocol/index.js';
import { LineReader } from './line-reader.js';

/** Above this many unsent bytes, log events to this client are dropped (it reads too slowly). */
export const LOG_DROP_BYTES = 8 * 1024 * 1024;
/** Above this, the client is hopelessly behind and is disconnected rather than buffered for. */
export const DISCONNECT_BYTES = 64 * 1024 * 1024;

/** One client on the control socket: its line reader, its topics, and bounded writes. */
export class Connection {
  readonly topics = new Set<string>();
  private readonly reader: LineReader;
  /** Log events dropped since the client last kept up; told to it once it does. */
  private dropped = 0;
  /** Lines written in one tick go out as one chunk: far fewer syscalls under a log flood. */
  private outbox: string[] = [];
  private outboxBytes = 0;

  constructor(private readonly socket: Socket, onLine: (connection: Connection, line: string) => void) {
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

  /** Push an event; log events are dropped for a slow reader rather than buffered without bound. */
  push(event: Event): void {
    if (event.event === 'log') {
      if (this.unsentBytes() > LOG_DROP_BYTES) {
        this.dropped += 1;
        return;
      }
      if (this.dropped > 0) this.reportDropped(event.data.at);
    }
    this.write(event);
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
    if (!this.open) return;
    if (this.unsentBytes() > DISCONNECT_BYTES) {
      this.socket.destroy();
      return;
    }
    const line = `${JSON.stringify(message)}\n`;
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

  private reportDropped(at: number): void {
    const line = `herve: ${this.dropped} log lines were not sent to this client because it read too slowly (they are in the log files)`;
    this.dropped = 0;
    this.write({ event: 'log', data: { service: '_herve', instance: null, stream: 'system', at, line } });
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
