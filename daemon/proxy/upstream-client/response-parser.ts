import type { IncomingHttpHeaders } from 'node:http';

/** What a parsed response is told to. */
export interface ResponseSink {
  onHead(status: number, headers: IncomingHttpHeaders): void;
  onBody(chunk: Buffer): void;
  onEnd(): void;
}

/** The upstream broke HTTP/1.1: the connection is closed and the exchange fails with a 502. */
export class UpstreamProtocolError extends Error {
  readonly code = 'HERVE_UPSTREAM_PROTOCOL';
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE_BYTES = 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [^\r\n]*)?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const DIGITS = /^\d{1,15}$/;
const HEX = /^[0-9a-fA-F]{1,12}$/;

enum State {
  Head,
  Length,
  ChunkLine,
  ChunkData,
  ChunkEnd,
  Trailers,
  UntilClose,
  Done,
}

/**
 * An incremental HTTP/1.1 response parser for one upstream connection: heads (1xx skipped),
 * then bodies framed by Content-Length, chunked coding or the connection's close. Strict where
 * a lenient reading could let one response pass for two: conflicting lengths, bad chunk sizes
 * and oversized heads are protocol errors.
 */
export class ResponseParser {
  private state = State.Done;
  private pending: Buffer | null = null;
  private remaining = 0;
  private expectBody = true;
  /** Whether the connection may carry another request once this response ends. */
  keepAlive = false;
  /** Bytes the upstream sent past the end of the response: the connection cannot be trusted. */
  overran = false;

  constructor(private readonly sink: ResponseSink) {}

  /** Before each request: `expectBody` is false for HEAD, whose response has no body whatever it says. */
  begin(expectBody: boolean): void {
    this.state = State.Head;
    this.pending = null;
    this.expectBody = expectBody;
    this.keepAlive = false;
    this.overran = false;
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /** Whether the response so far has its head: a failure after it cannot be answered with an error page. */
  get headSeen(): boolean {
    return this.state !== State.Head && this.state !== State.Done;
  }

  /** The connection ended: a body read until close is complete, anything else was cut short. */
  end(): boolean {
    if (this.state !== State.UntilClose) return this.state === State.Done;
    this.finish();
    return true;
  }

  execute(data: Buffer): void {
    let input = this.pending === null ? data : Buffer.concat([this.pending, data]);
    this.pending = null;
    while (input.length > 0) {
      if (this.state === State.Done) {
        this.overran = true;
        this.keepAlive = false;
        return;
      }
      input = this.step(input);
    }
  }

  private step(input: Buffer): Buffer {
    switch (this.state) {
      case State.Head:
        return this.readHead(input);
      case State.Length:
        return this.readLength(input);
      case State.ChunkLine:
        return this.readChunkLine(input);
      case State.ChunkData:
        return this.readChunkData(input);
      case State.ChunkEnd:
        return this.readChunkEnd(input);
      case State.Trailers:
        return this.readTrailers(input);
      default:
        this.sink.onBody(input);
        return EMPTY;
    }
  }

  private readHead(input: Buffer): Buffer {
    const end = input.indexOf(HEAD_END);
    if (end === -1) return this.keep(input, MAX_HEAD_BYTES, 'response head');
    if (end > MAX_HEAD_BYTES) throw new UpstreamProtocolError(`response head over ${MAX_HEAD_BYTES} bytes`);
    const lines = input.toString('latin1', 0, end).split('\r\n');
    const status = STATUS_LINE.exec(lines[0] ?? '');
    if (status === null) throw new UpstreamProtocolError(`malformed status line ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
    const code = Number(status[2]);
    const headers = parseHeaderLines(lines);
    const rest = input.subarray(end + 4);
    if (code < 200) {
      if (code === 101) throw new UpstreamProtocolError('101 Switching Protocols to a request that asked for no upgrade');
      return rest; // 100 Continue, 103 Early Hints: the final response follows.
    }
    this.keepAlive = status[1] === '1' && !hasToken(headers.connection, 'close');
    this.frame(code, headers);
    this.sink.onHead(code, headers);
    if (this.state === State.Done) this.finish();
    return rest;
  }

  private frame(code: number, headers: IncomingHttpHeaders): void {
    if (!this.expectBody || code === 204 || code === 304) {
      this.state = State.Done;
      return;
    }
    const coding = headers['transfer-encoding'];
    if (coding !== undefined) {
      // Both framings: chunked wins (RFC 9112 §6.3) and the connection is not reused.
      if (headers['content-length'] !== undefined) {
        delete headers['content-length'];
        this.keepAlive = false;
      }
      if (lastToken(coding) === 'chunked') this.state = State.ChunkLine;
      else this.readUntilClose();
      return;
    }
    const length = headers['content-length'];
    if (length === undefined) {
      this.readUntilClose();
      return;
    }
    if (typeof length !== 'string' || !DIGITS.test(length)) throw new UpstreamProtocolError(`invalid Content-Length ${JSON.stringify(length)}`);
    this.remaining = Number(length);
    this.state = this.remaining === 0 ? State.Done : State.Length;
  }

  private readUntilClose(): void {
    this.keepAlive = false;
    this.state = State.UntilClose;
  }

  private readLength(input: Buffer): Buffer {
    const rest = this.passCounted(input);
    if (rest !== null) this.finish();
    return rest ?? EMPTY;
  }

  private readChunkLine(input: Buffer): Buffer {
    const end = input.indexOf(CRLF);
    if (end === -1) return this.keep(input, MAX_CHUNK_LINE_BYTES, 'chunk size line');
    const line = input.toString('latin1', 0, end);
    const semicolon = line.indexOf(';');
    const size = (semicolon === -1 ? line : line.slice(0, semicolon)).trim();
    if (!HEX.test(size)) throw new UpstreamProtocolError(`invalid chunk size ${JSON.stringify(line.slice(0, 40))}`);
    this.remaining = Number.parseInt(size, 16);
    this.state = this.remaining === 0 ? State.Trailers : State.ChunkData;
    return input.subarray(end + 2);
  }

  private readChunkData(input: Buffer): Buffer {
    const rest = this.passCounted(input);
    if (rest !== null) this.state = State.ChunkEnd;
    return rest ?? EMPTY;
  }

  /** Passes on up to `remaining` body bytes: what is left of `input` once they are all through, else null. */
  private passCounted(input: Buffer): Buffer | null {
    if (input.length < this.remaining) {
      this.remaining -= input.length;
      this.sink.onBody(input);
      return null;
    }
    if (this.remaining > 0) this.sink.onBody(input.subarray(0, this.remaining));
    const rest = input.subarray(this.remaining);
    this.remaining = 0;
    return rest;
  }

  private readChunkEnd(input: Buffer): Buffer {
    if (input.length < 2) return this.keep(input, 2, 'chunk end');
    if (input[0] !== 13 || input[1] !== 10) throw new UpstreamProtocolError('chunk data longer than its size');
    this.state = State.ChunkLine;
    return input.subarray(2);
  }

  // Trailer fields are dropped: what the proxy forwards has no trailers.
  private readTrailers(input: Buffer): Buffer {
    const end = input.indexOf(CRLF);
    if (end === -1) return this.keep(input, MAX_HEAD_BYTES, 'trailers');
    if (end === 0) {
      this.finish();
      return input.subarray(2);
    }
    return input.subarray(end + 2);
  }

  private keep(input: Buffer, limit: number, what: string): Buffer {
    if (input.length > limit) throw new UpstreamProtocolError(`${what} over ${limit} bytes`);
    this.pending = Buffer.from(input);
    return EMPTY;
  }

  private finish(): void {
    this.state = State.Done;
    this.sink.onEnd();
  }
}

const EMPTY = Buffer.alloc(0);

/** Header lines after the status line, names lowercased; a repeated field becomes an array, as undici gives it. */
function parseHeaderLines(lines: string[]): IncomingHttpHeaders {
  const headers: Record<string, string | string[]> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const colon = line.indexOf(':');
    const name = colon === -1 ? '' : line.slice(0, colon);
    if (!TOKEN.test(name)) throw new UpstreamProtocolError(`malformed header line ${JSON.stringify(line.slice(0, 80))}`);
    const value = line.slice(colon + 1).trim();
    if (INVALID_VALUE_CHAR.test(value)) throw new UpstreamProtocolError(`invalid character in header ${name}`);
    addHeader(headers, name.toLowerCase(), value);
  }
  return headers as IncomingHttpHeaders;
}

function addHeader(headers: Record<string, string | string[]>, name: string, value: string): void {
  const existing = headers[name];
  if (existing === undefined) {
    headers[name] = value;
  } else if (name === 'content-length') {
    if (existing !== value) throw new UpstreamProtocolError(`conflicting Content-Length ${existing} and ${value}`);
  } else if (typeof existing === 'string') {
    headers[name] = [existing, value];
  } else {
    existing.push(value);
  }
}

function tokensOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const joined = typeof value === 'string' ? value : value.join(',');
  return joined.split(',').map((token) => token.trim().toLowerCase());
}

function hasToken(value: string | string[] | undefined, token: string): boolean {
  return tokensOf(value).includes(token);
}

function lastToken(value: string | string[]): string {
  return tokensOf(value).at(-1) ?? '';
}
