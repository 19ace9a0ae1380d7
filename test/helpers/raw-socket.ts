import { createConnection, type Socket } from 'node:net';

/** A bare connection to the control socket for sending hand-made lines. */
export class RawSocket {
  private buffer = '';
  private readonly lines: string[] = [];
  private waiting: (() => void) | undefined;
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let newline = this.buffer.indexOf('\n'); newline !== -1; newline = this.buffer.indexOf('\n')) {
        this.lines.push(this.buffer.slice(0, newline));
        this.buffer = this.buffer.slice(newline + 1);
      }
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => undefined);
  }

  static connect(path: string): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path, () => resolve(new RawSocket(socket)));
      socket.once('error', reject);
    });
  }

  send(text: string | Buffer): void {
    this.socket.write(text);
  }

  /** The next line from the daemon, parsed; throws if the connection closes or time runs out first. */
  async nextMessage(timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.closed) throw new Error('connection closed before a line arrived');
      if (Date.now() > deadline) throw new Error('no line from the daemon in time');
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
        setTimeout(resolve, 50);
      });
    }
    return JSON.parse(this.lines.shift()!) as Record<string, unknown>;
  }

  /** Send one request line and read the reply. */
  async request(line: string): Promise<Record<string, unknown>> {
    this.send(`${line}\n`);
    return this.nextMessage();
  }

  close(): void {
    this.socket.destroy();
  }
}
