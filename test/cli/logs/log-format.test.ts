import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../protocol/index.js';
import { formatClock } from '../../../cli/presentation/format.js';
import { LineBatcher, linesAfterHistory } from '../../../cli/logs/log-follow.js';
import { formatLogLines } from '../../../cli/logs/log-format.js';
import { createStyle } from '../../../cli/presentation/terminal.js';
import { itemAt } from '../../helpers/item-at.js';

const at = Date.now();
const line = (text: string, extra: Partial<LogLine> = {}): LogLine => ({
  service: 'echo',
  instance: 0,
  stream: 'stdout',
  at,
  line: text,
  ...extra,
});

describe('log lines', () => {
  it('print as time, name[instance], a stream mark and the text', () => {
    const text = formatLogLines(
      [line('hello'), line('oops', { stream: 'stderr', instance: 1 }), line('started', { stream: 'system', instance: null })],
      createStyle(false),
    );
    const clock = formatClock(at);
    expect(text).toBe(`${clock} echo[0]   hello\n${clock} echo[1] ! oops\n${clock} echo * started\n`);
  });

  it('that arrive while history is fetched are shown once, after it', () => {
    const history = [line('a', { at: at - 2 }), line('b', { at: at - 1 }), line('c')];
    const live = [line('b', { at: at - 1 }), line('c'), line('c2'), line('d', { at: at + 1 })];
    expect(linesAfterHistory(history, live).map((entry) => entry.line)).toEqual(['c2', 'd']);
    expect(linesAfterHistory([], live)).toHaveLength(4);
  });
});

describe('LineBatcher', () => {
  it('turns a burst of pushes into one write, in order', async () => {
    const writes: string[] = [];
    const batcher = new LineBatcher((text) => writes.push(text));
    for (let i = 0; i < 1000; i++) batcher.push(`line ${i}\n`);
    batcher.push('');
    expect(writes).toEqual([]);
    await new Promise((done) => setImmediate(done));
    expect(writes).toHaveLength(1);
    expect(itemAt(writes, 0).split('\n')).toHaveLength(1001);
    expect(itemAt(writes, 0).startsWith('line 0\nline 1\n')).toBe(true);
    batcher.push('last\n');
    batcher.flush();
    expect(writes).toEqual([writes[0], 'last\n']);
  });
});
