import { chmodSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { decodeRequest, type Event, type LogLine, type Method, type RequestRecord } from '../../protocol/index.js';
import { Connection, serialize } from './connection.js';
import { createHandlers, type Handler, type HandlerDeps, type HandlerMap } from './handlers.js';
import { describeError, HerveError } from '../shared/errors.js';

const STATS_INTERVAL_MS = 1000;

export interface ControlServerOptions extends Omit<HandlerDeps, 'subscribe'> {
  socketPath: string;
  /** Service events from the orchestrator. */
  onServiceEvent(listener: (event: Event) => void): () => void;
  /** Every captured or system log line. */
  onLogLine(listener: (line: LogLine) => void): () => void;
  /** Every proxied request, once recorded. */
  onRequest(listener: (record: RequestRecord) => void): () => void;
  log(message: string): void;
}

/**
 * The Unix-socket control server: JSON lines in, validated by the protocol schemas,
 * dispatched through a typed handler map; events pushed to subscribers.
 */
export class ControlServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly handlers: HandlerMap;
  private readonly unsubscribes: Array<() => void> = [];
  private statsTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ControlServerOptions) {
    this.handlers = createHandlers({ ...options, subscribe: (connection, topics) => this.subscribe(connection, topics) });
    this.server = createServer((socket) => this.accept(socket));
    this.unsubscribes.push(options.onServiceEvent((event) => this.broadcast(event, 'services')));
    this.unsubscribes.push(options.onLogLine((line) => this.broadcastPerService('logs', line.service, { event: 'log', data: line })));
    this.unsubscribes.push(options.onRequest((record) => this.broadcastPerService('requests', record.service, { event: 'request', data: record })));
  }

  /** Listen on the socket, readable and writable by this user only. */
  listen(): Promise<void> {
    const { socketPath } = this.options;
    return new Promise((resolve, reject) => {
      // The umask covers the moment between bind and chmod.
      const previousUmask = process.umask(0o177);
      this.server.once('error', (error) => {
        process.umask(previousUmask);
        reject(error);
      });
      this.server.listen(socketPath, () => {
        process.umask(previousUmask);
        chmodSync(socketPath, 0o600);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    clearInterval(this.statsTimer);
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.close();
    await closed;
    rmSync(this.options.socketPath, { force: true });
  }

  private accept(socket: Socket): void {
    const connection = new Connection(socket, (from, line) => void this.dispatch(from, line));
    this.connections.add(connection);
    connection.onClose(() => {
      this.connections.delete(connection);
      this.updateStatsTimer();
    });
  }

  private async dispatch(connection: Connection, line: string): Promise<void> {
    const decoded = decodeRequest(line);
    if (!decoded.ok) return connection.fail(decoded.id, decoded.error);
    const { id, method, params } = decoded.request;
    try {
      const handler = this.handlers[method] as Handler<Method>;
      connection.reply(id, await handler(params, connection));
    } catch (error) {
      if (error instanceof HerveError) return connection.fail(id, error.toBody());
      this.options.log(
        `internal error in ${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}${error instanceof Error && error.cause !== undefined ? `\ncaused by: ${describeError(error.cause)}` : ''}`,
      );
      connection.fail(id, { code: 'internal', message: `internal error: ${describeError(error)}` });
    }
  }

  private subscribe(connection: Connection, topics: string[]): void {
    for (const topic of topics) connection.topics.add(topic);
    this.updateStatsTimer();
  }

  private broadcast(event: Event, topic: string): void {
    let line: string | undefined;
    for (const connection of this.connections) {
      if (!connection.follows(topic)) continue;
      line ??= serialize(event);
      connection.push(event, line);
    }
  }

  /** To those following `topic` (every service) or `topic:<service>`; serialized once, only if someone follows. */
  private broadcastPerService(topic: 'logs' | 'requests', service: string, event: Event): void {
    const serviceTopic = `${topic}:${service}`;
    let text: string | undefined;
    for (const connection of this.connections) {
      if (!connection.follows(topic) && !connection.follows(serviceTopic)) continue;
      text ??= serialize(event);
      connection.push(event, text);
    }
  }

  /** Stats are sampled only while someone follows them. */
  private updateStatsTimer(): void {
    const wanted = [...this.connections].some((connection) => connection.follows('stats'));
    if (wanted && !this.statsTimer) {
      this.statsTimer = setInterval(() => this.pushStats(), STATS_INTERVAL_MS);
    } else if (!wanted && this.statsTimer) {
      clearInterval(this.statsTimer);
      this.statsTimer = undefined;
    }
  }

  private pushStats(): void {
    try {
      this.broadcast({ event: 'stats', data: this.options.control.stats() }, 'stats');
    } catch (error) {
      this.options.log(`stats sampling failed: ${describeError(error)}`);
    }
  }
}
