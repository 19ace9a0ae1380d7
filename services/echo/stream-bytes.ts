import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const CHUNK = Buffer.alloc(64 * 1024, 'herve echo bytes\n');

function* filler(count: number): Generator<Buffer> {
  for (let left = count; left > 0; left -= CHUNK.length) yield left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
}

/** Streams `count` bytes of filler with backpressure; a client that leaves simply ends it. */
export async function streamBytes(res: ServerResponse, count: number): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': count });
  if (res.req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(Readable.from(filler(count), { objectMode: false }), res);
  } catch {
    // The client went away mid-download: nothing to answer any more.
  }
}
