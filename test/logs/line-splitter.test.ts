import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../daemon/logs/line-splitter.js';

function collect(): { lines: string[]; splitter: ReturnType<typeof createLineSplitter> } {
  const lines: string[] = [];
  return { lines, splitter: createLineSplitter((text) => lines.push(text)) };
}

describe('line splitter', () => {
  it('holds a partial last line until the next chunk, and flushes it on end', () => {
    const { lines, splitter } = collect();
    splitter.push('one\ntw');
    expect(lines).toEqual(['one']);
    splitter.push('o\nthr');
    expect(lines).toEqual(['one', 'two']);
    splitter.end();
    expect(lines).toEqual(['one', 'two', 'thr']);
  });

  it('drops the \\r of CRLF, even when \\r and \\n arrive in different chunks', () => {
    const { lines, splitter } = collect();
    splitter.push(Buffer.from('a\r\nb\r'));
    splitter.push(Buffer.from('\nc\r\n'));
    splitter.end();
    expect(lines).toEqual(['a', 'b', 'c']);
  });

  it('decodes a multibyte character split across chunks', () => {
    const { lines, splitter } = collect();
    const bytes = Buffer.from('héllo 😀 wörld\n');
    for (let i = 0; i < bytes.length; i++) splitter.push(bytes.subarray(i, i + 1));
    splitter.end();
    expect(lines).toEqual(['héllo 😀 wörld']);
  });

  it('keeps a 1 MB line whole across 64 KiB chunks', () => {
    const { lines, splitter } = collect();
    const big = 'x'.repeat(1024 * 1024);
    const data = Buffer.from(`before\n${big}\nafter\n`);
    for (let at = 0; at < data.length; at += 65536) splitter.push(data.subarray(at, at + 65536));
    splitter.end();
    expect(lines.map((line) => line.length)).toEqual([6, big.length, 5]);
    expect(lines[1]).toBe(big);
  });

  it('keeps empty lines and emits nothing for an empty end', () => {
    const { lines, splitter } = collect();
    splitter.push('\n\nx\n');
    splitter.end();
    expect(lines).toEqual(['', '', 'x']);
  });

  it('emits a runaway line without a newline in pieces past the cap, losing nothing', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((text) => lines.push(text), 10);
    splitter.push('a'.repeat(25));
    splitter.push('b\n');
    splitter.end();
    expect(lines).toEqual(['a'.repeat(10), 'a'.repeat(10), 'aaaaab']);
  });
});
