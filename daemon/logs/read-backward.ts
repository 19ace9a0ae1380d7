import { open, type FileHandle } from 'node:fs/promises';

const BLOCK_BYTES = 64 * 1024;

/**
 * Yields a file's lines from the end towards the start, a block at a time
 * (each array newest first), so the tail of a huge file is read without reading it whole.
 * A missing file yields nothing.
 */
export async function* linesBackward(path: string): AsyncGenerator<string[]> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    let position = (await handle.stat()).size;
    // Bytes after the last newline seen so far, whose line starts in an earlier block.
    let carry: Buffer = Buffer.alloc(0);
    let atEnd = true;
    while (position > 0) {
      // Growing with the carry keeps a very long line linear to read.
      const length = Math.min(Math.max(BLOCK_BYTES, carry.length), position);
      position -= length;
      const block = Buffer.alloc(length);
      await handle.read(block, 0, length, position);
      const data = carry.length > 0 ? Buffer.concat([block, carry]) : block;
      const lines: string[] = [];
      let end = data.length;
      let newline = data.lastIndexOf(0x0a, end - 1);
      while (newline !== -1) {
        if (!(atEnd && end === data.length && newline === end - 1)) lines.push(data.toString('utf8', newline + 1, end));
        atEnd = false;
        end = newline;
        newline = end > 0 ? data.lastIndexOf(0x0a, end - 1) : -1;
      }
      carry = data.subarray(0, end);
      if (lines.length > 0) yield lines;
    }
    if (carry.length > 0) yield [carry.toString('utf8')];
  } finally {
    await handle.close();
  }
}
