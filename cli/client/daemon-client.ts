import { createConnection, type Socket } from 'node:net';
import { PROTOCOL_VERSION } from '../../protocol/constants.js';
import type { Event, Method, ParamsInput, Response, Result } from '../../protocol/index.js';
import { hervePaths } from '../../protocol/paths.js';
import { ConnectionLostError, DaemonNotRunningError, DaemonRequestError, DaemonUnresponsiveError } from './errors.js';
// The fast path's bundle (scripts/bundle-cli.mjs) swaps this module for reply-checks.fast.ts.
import { type Checked, checkEvent, checkResponse, checkResult, type MaybeLater } from './reply-checks.js';

export type EventListener = (event: Event) => void;

export interface ConnectOptions {
  /** Give up on a daemon that accepts the connection but does not answer hello within this time. */
  helloTimeoutMs?: number;
}

/**
 * The one seam between clients (CLI, TUI) and the daemon.
 * The TUI takes this interface so tests can hand it a fake.
 */
export interface DaemonClient {
  call<M extends Method>(method: M, params?: ParamsInput<M>): Promise<Result<M>>;
  /** Subscribe to topics; events arrive on `onEvent` listeners. */
  subscribe(topics: string[]): Promise<void>;
  onEvent(listener: EventListener): () => void;
  /** Called once when the connection ends (daemon gone or `close()`). */
  onClose(listener: () => void): () => void;
  close(): void;
}

/** Methods that change nothing: the only ones sent before hello has vouched for the daemon (`SocketDaemonClient.read`). */
export type ReadMethod = Extract<Method, 'list' | 'stats' | 'get' | 'logs'>;

/** What `SocketDaemonClient.read` hands its reader: calls to read methods only. */
export interface ReadingClient {
  call<M extends ReadMethod>(method: M, params?: ParamsInput<M>): Promise<Result<M>>;
}

interface Pending {
  method: Method;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class SocketDaemonClient implements DaemonClient {
  private nextId = 1;
  private buffer = '';
  private readonly pending = new Map<number, Pending>();
  private readonly eventListeners = new Set<EventListener>();
  private readonly closeListeners = new Set<() => void>();
  private closed = false;
  private greeting: Result<'hello'> | undefined;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('close', () => this.handleClose());
    socket.on('error', () => undefined);
  }

  /**
   * Connect and say hello; throws DaemonNotRunningError when nothing answers.
   * With `helloTimeoutMs`, a daemon that accepts but does not answer in time is a DaemonUnresponsiveError.
   */
  static async connect(socketPath = hervePaths().socket, client = 'herve-cli', options: ConnectOptions = {}): Promise<SocketDaemonClient> {
    const daemon = new SocketDaemonClient(await openSocket(socketPath));
    await daemon.greet(socketPath, client, options);
    return daemon;
  }

  /**
   * Connect and run `read` with its requests sent right behind hello instead of after its answer
   * (one round trip fewer); their answers count only once hello has vouched for the daemon, so a
   * daemon of another protocol version fails as it does in `connect`. Only reads can go out
   * unvouched: nothing may act on a daemon before its version is known. Always closes the connection.
   */
  static async read<T>(socketPath: string, client: string, options: ConnectOptions, read: (daemon: ReadingClient) => Promise<T>): Promise<T> {
    const daemon = new SocketDaemonClient(await openSocket(socketPath));
    try {
      // hello and the reads issued at once leave in one write.
      daemon.socket.cork();
      const greeted = daemon.greet(socketPath, client, options);
      const reading = read(daemon);
      daemon.socket.uncork();
      // Whatever the reads meet on a daemon hello refuses, hello's verdict is the one reported.
      reading.catch(() => undefined);
      await greeted;
      return await reading;
    } finally {
      daemon.close();
    }
  }

  private async greet(socketPath: string, client: string, options: ConnectOptions): Promise<void> {
    const hello = await withTimeout(this.call('hello', { version: PROTOCOL_VERSION, client }), options.helloTimeoutMs, () => {
      this.close();
      return new DaemonUnresponsiveError(socketPath, options.helloTimeoutMs as number);
    });
    if (hello.version !== PROTOCOL_VERSION) {
      this.close();
      throw new DaemonRequestError({
        code: 'version_mismatch',
        message: `daemon speaks protocol v${hello.version}, this client v${PROTOCOL_VERSION}`,
        hint: 'restart the daemon with this version: herve down && herve up',
      });
    }
    this.greeting = hello;
  }

  /** The daemon's answer to the hello `connect` sent: its pid, home, socket and proxy port. */
  get hello(): Result<'hello'> {
    if (!this.greeting) throw new Error('hello is known once connect() has resolved');
    return this.greeting;
  }

  call<M extends Method>(method: M, params?: ParamsInput<M>): Promise<Result<M>> {
    if (this.closed) return Promise.reject(new ConnectionLostError());
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject });
      this.socket.write(`${JSON.stringify({ id, method, params: params ?? {} })}\n`);
    });
  }

  async subscribe(topics: string[]): Promise<void> {
    await this.call('subscribe', { topics });
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onClose(listener: () => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline !== -1) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (line.length > 0) this.handleLine(line);
      newline = this.buffer.indexOf('\n');
    }
  }

  private handleLine(line: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      return;
    }
    if (raw !== null && typeof raw === 'object' && 'event' in raw) {
      whenChecked(checkEvent(raw), (event) => {
        if (event.ok) for (const listener of this.eventListeners) listener(event.value);
      });
      return;
    }
    whenChecked(checkResponse(raw), (response) => {
      if (response.ok) this.settle(response.value);
    });
  }

  private settle(response: Response): void {
    if (typeof response.id !== 'number') return;
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if (!response.ok) {
      pending.reject(new DaemonRequestError(response.error));
      return;
    }
    whenChecked(checkResult(pending.method, response.result), (result) => {
      if (result.ok) pending.resolve(result.value);
      else pending.reject(new Error(`daemon sent a malformed ${pending.method} result: ${result.problem}`));
    });
  }

  private handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.pending.values()) pending.reject(new ConnectionLostError());
    this.pending.clear();
    for (const listener of this.closeListeners) listener();
  }
}

function whenChecked<T>(checked: MaybeLater<Checked<T>>, use: (checked: Checked<T>) => void): void {
  if (checked instanceof Promise) void checked.then(use);
  else use(checked);
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number | undefined, onTimeout: () => Error): Promise<T> {
  if (timeoutMs === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function openSocket(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') reject(new DaemonNotRunningError(socketPath));
      else reject(error);
    });
  });
}
