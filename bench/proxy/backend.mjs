// @ts-check
// Benchmark backend: 13-byte body on any path, 1 MiB body on /big. Prints "PORT <n>".
import { createServer } from 'node:http';

const small = Buffer.from('Hello, World!');
const big = Buffer.alloc(1024 * 1024, 97);
const server = createServer((req, res) => {
  const body = req.url?.endsWith('/big') ? big : small;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.listen(0, '127.0.0.1', () => console.log(`PORT ${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`));
process.on('SIGTERM', () => process.exit(0));
