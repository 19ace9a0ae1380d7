/** Real TLS, HTTP/2 and HTTPS clients for the front door's HTTPS port. */
import { connect as connectHttp2, type OutgoingHttpHeaders } from 'node:http2';
import { Agent, request } from 'node:https';
import { connect as connectTls, type TLSSocket } from 'node:tls';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A finished TLS handshake to 127.0.0.1 (`servername` for SNI), or the error that ended it. */
export function handshake(port: number, options: { ca?: string; servername?: string; alpn?: string[] }): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connectTls(
      {
        host: '127.0.0.1',
        port,
        servername: options.servername ?? 'localhost',
        ca: options.ca,
        ALPNProtocols: options.alpn,
      },
      () => resolve(socket),
    );
    socket.once('error', reject);
  });
}

/** One HTTP/2 request (`:path` and the other headers as given) on a connection of its own. */
export function http2Request(port: number, ca: string, headers: OutgoingHttpHeaders, body?: string): Promise<Reply & { alpn: string | undefined }> {
  return new Promise((resolve, reject) => {
    const session = connectHttp2(`https://localhost:${port}`, { ca });
    session.once('error', reject);
    const stream = session.request(headers, { endStream: body === undefined });
    let text = '';
    let responseHeaders: Reply['headers'] = {};
    stream.setEncoding('utf8');
    stream.on('response', (received) => (responseHeaders = received));
    stream.on('data', (chunk: string) => (text += chunk));
    stream.once('error', reject);
    stream.on('end', () => {
      const alpn = session.alpnProtocol;
      session.close();
      resolve({ status: Number(responseHeaders[':status']), headers: responseHeaders, body: text, alpn });
    });
    if (body !== undefined) stream.end(body);
  });
}

/** One HTTPS request over HTTP/1.1 to 127.0.0.1 with this Host (and SNI name). */
export function https1Request(
  port: number,
  ca: string,
  path: string,
  host = 'localhost',
  servername = 'localhost',
): Promise<Reply & { alpn: string | false | null }> {
  // A client that offers only HTTP/1.1, on a connection of its own.
  const agent = new Agent({ ALPNProtocols: ['http/1.1'], maxCachedSessions: 0 });
  return new Promise<Reply & { alpn: string | false | null }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, servername, headers: { host }, agent }, (res) => {
      const { alpnProtocol } = res.socket as TLSSocket;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, alpn: alpnProtocol }));
    });
    req.once('error', reject);
    req.end();
  }).finally(() => agent.destroy());
}
