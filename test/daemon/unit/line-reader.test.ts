import { describe, expect, it } from 'vitest';
import { LineReader } from '../../../daemon/control/line-reader.js';

function reader(limit = 16) {
  const lines: string[] = [];
  let overflows = 0;
  const instance = new LineReader(
    limit,
    (line) => lines.push(line),
    () => (overflows += 1),
  );
  return { instance, lines, overflows: () => overflows };
}

describe('control line reader', () => {
  it('joins lines split across chunks, several lines per chunk, CRLF and blank lines', () => {
    const { instance, lines } = reader();
    instance.push(Buffer.from('{"a"'));
    instance.push(Buffer.from(':1}\n{"b":2}\r\n\n{"c"'));
    instance.push(Buffer.from(':3}\n'));
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('keeps a multi-byte character split between chunks whole', () => {
    const { instance, lines } = reader();
    const bytes = Buffer.from('"é"\n');
    instance.push(bytes.subarray(0, 2));
    instance.push(bytes.subarray(2));
    expect(lines).toEqual(['"é"']);
  });

  it('reports a line over the limit once, before its newline arrives, and reads no more', () => {
    const { instance, lines, overflows } = reader(8);
    instance.push(Buffer.from('12345'));
    instance.push(Buffer.from('6789'));
    expect(overflows()).toBe(1);
    instance.push(Buffer.from('\nok\n'));
    expect(lines).toEqual([]);
    expect(overflows()).toBe(1);
  });

  it('accepts a line of exactly the limit', () => {
    const { instance, lines, overflows } = reader(8);
    instance.push(Buffer.from('12345678\n'));
    expect(lines).toEqual(['12345678']);
    expect(overflows()).toBe(0);
  });
});
