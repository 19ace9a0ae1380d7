import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../protocol/index.js';
import { LogStore } from '../../daemon/logs/log-store.js';
import { itemAt } from '../helpers/item-at.js';

let dir: string;
let store: LogStore | null;

beforeEach(() => {
  dir = mkdtempSync('/tmp/hv-logs-');
  store = null;
});

afterEach(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(options: Partial<ConstructorParameters<typeof LogStore>[0]> = {}): LogStore {
  store = new LogStore({ dir, ...options });
  return store;
}

function line(service: string, text: string, at = Date.now(), instance: number | null = 0): LogLine {
  return { service, instance, stream: 'stdout', at, line: text };
}

function fileLines(file: string): string[] {
  return readFileSync(join(dir, file), 'utf8').split('\n').slice(0, -1);
}

/** Runs a real child that prints `count` numbered lines as fast as it can, captured through the splitter. */
async function floodThroughSplitter(logs: LogStore, service: string, count: number): Promise<void> {
  const script = `let i=0;const w=()=>{let ok=true;while(i<${count}&&ok){ok=process.stdout.write('line '+i+' '+'x'.repeat(40)+'\\n');i++}if(i<${count})process.stdout.once('drain',w)};w()`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const splitter = logs.lineSplitter(service, 0, 'stdout');
  child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
  await new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  splitter.end();
  expect(() => process.kill(child.pid!, 0)).toThrow();
}

describe('LogStore', () => {
  it('captures a 100k-line burst from a real child exactly, in the file and through tail', async () => {
    const logs = open();
    await floodThroughSplitter(logs, 'flood', 100_000);
    await logs.flush();
    const lines = fileLines('flood.log');
    expect(lines.length).toBe(100_000);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z stdout 0 line 0 x+$/);
    expect(lines.every((text, i) => text.includes(` line ${i} `))).toBe(true);
    const tailed = await logs.tail({ service: 'flood', lines: 100_000 });
    expect(tailed.length).toBe(100_000);
    expect(itemAt(tailed, 99_999).line.startsWith('line 99999 ')).toBe(true);
    expect(itemAt(tailed, 0).line.startsWith('line 0 ')).toBe(true);
  });

  it('writes a partial last line once the splitter ends, and a 1 MB line whole', async () => {
    const logs = open();
    const splitter = logs.lineSplitter('app', 1, 'stderr');
    const big = 'y'.repeat(1024 * 1024);
    splitter.push(`${big.slice(0, 1000)}`);
    splitter.push(`${big.slice(1000)}\nno newline at the end`);
    splitter.end();
    await logs.close();
    const lines = fileLines('app.log');
    expect(lines.length).toBe(2);
    expect(itemAt(lines, 0).endsWith(` stderr 1 ${big}`)).toBe(true);
    expect(itemAt(lines, 1).endsWith(' stderr 1 no newline at the end')).toBe(true);
    const reopened = open();
    const tailed = await reopened.tail({ service: 'app', lines: 5 });
    expect(tailed.map((entry) => entry.line.length)).toEqual([big.length, 'no newline at the end'.length]);
  });

  it('rotates by size, keeps N rotated files, and tail spans them', async () => {
    const logs = open({ maxFileBytes: 10_000, keepFiles: 2, ringSize: 10 });
    const at = Date.now();
    for (let i = 0; i < 2000; i++) logs.append(line('rot', `entry ${i}`, at + i));
    await logs.flush();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['rot.log', 'rot.log.1', 'rot.log.2']);
    for (const file of files) expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(10_000);
    const kept = [...fileLines('rot.log.2'), ...fileLines('rot.log.1'), ...fileLines('rot.log')];
    const numbers = kept.map((text) => Number(text.split(' entry ')[1]));
    // Consecutive and ending at the last line: rotation drops only whole, oldest lines.
    expect(numbers.at(-1)).toBe(1999);
    expect(numbers).toEqual(numbers.map((_, i) => itemAt(numbers, 0) + i));
    const tailed = await logs.tail({ service: 'rot', lines: kept.length + 100 });
    expect(tailed.length).toBe(kept.length);
    expect(tailed.map((entry) => entry.line)).toEqual(numbers.map((n) => `entry ${n}`));
    const spanning = await logs.tail({ service: 'rot', lines: fileLines('rot.log').length + 3 });
    expect(itemAt(spanning, 0).line).toBe(`entry ${numbers[kept.length - spanning.length]}`);
  });

  it('by default rotates at 10 MiB and keeps .log.1 … .log.3 (the README’s figures)', async () => {
    const logs = open({ ringSize: 10 });
    const MIB = 1024 * 1024;
    const text = 'z'.repeat(64 * 1024);
    // About 45 MiB: enough to rotate four times, so the oldest file must have been dropped.
    for (let i = 0; i < 720; i++) logs.append(line('big', `${i} ${text}`));
    await logs.flush();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['big.log', 'big.log.1', 'big.log.2', 'big.log.3']);
    for (const file of files) expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(10 * MIB);
    for (const file of files.slice(1)) expect(statSync(join(dir, file)).size).toBeGreaterThan(10 * MIB - 70 * 1024);
  });

  it('filters with grep, in memory and from the files', async () => {
    const logs = open({ ringSize: 5 });
    for (let i = 0; i < 100; i++) logs.append(line('api', i % 10 === 0 ? `ERROR number ${i}` : `ok ${i}`));
    const fromMemory = await logs.tail({ service: 'api', lines: 1, grep: /ERROR/g });
    expect(fromMemory.map((entry) => entry.line)).toEqual(['ERROR number 90']);
    const fromFiles = await logs.tail({ service: 'api', lines: 3, grep: /error/i });
    expect(fromFiles.map((entry) => entry.line)).toEqual(['ERROR number 70', 'ERROR number 80', 'ERROR number 90']);
    expect(await logs.tail({ service: 'api', lines: 50, grep: /ERROR/ })).toHaveLength(10);
  });

  it('tails every service merged by time, and history survives a restart', async () => {
    const first = open();
    const at = Date.now();
    for (let i = 0; i < 6; i++) first.append(line(i % 2 === 0 ? 'even' : 'odd', `n${i}`, at + i));
    await first.close();
    const logs = open();
    logs.append(line('late', 'n6', at + 6));
    const merged = await logs.tail({ lines: 4 });
    expect(merged.map((entry) => `${entry.service}:${entry.line}`)).toEqual(['odd:n3', 'even:n4', 'odd:n5', 'late:n6']);
    expect(await logs.tail({ service: 'nobody', lines: 10 })).toEqual([]);
  });

  it('hands every line to live listeners until they unsubscribe', async () => {
    const logs = open();
    const seen: string[] = [];
    const stop = logs.onLine((entry) => seen.push(entry.line));
    logs.onLine(() => {
      throw new Error('a broken listener');
    });
    const splitter = logs.lineSplitter('live', 0, 'stdout');
    splitter.push('a\nb\n');
    stop();
    splitter.push('c\n');
    expect(seen).toEqual(['a', 'b']);
    expect((await logs.tail({ service: 'live', lines: 10 })).map((entry) => entry.line)).toEqual(['a', 'b', 'c']);
  });

  it('loses no line appended during or after close', async () => {
    const logs = open();
    for (let i = 0; i < 1000; i++) logs.append(line('closing', `c${i}`));
    const closing = logs.close();
    logs.append(line('closing', 'during'));
    await closing;
    logs.append(line('closing', 'after'));
    const lines = fileLines('closing.log');
    expect(lines.length).toBe(1002);
    expect(lines.slice(-2).map((text) => text.split(' ').at(-1))).toEqual(['during', 'after']);
  });

  it('refuses a service name that would escape the directory', () => {
    const logs = open();
    expect(() => logs.append(line('../evil', 'x'))).toThrow(/unsafe/);
    expect(() => logs.lineSplitter('a/b', 0, 'stdout')).toThrow(/unsafe/);
  });

  it('answers a tail for a name that cannot be a log file with no lines', async () => {
    expect(await open().tail({ service: '../etc/passwd', lines: 10 })).toEqual([]);
  });

  it('does not rotate a file while a tail is reading the files, so no line is read twice', async () => {
    const logs = open({ maxFileBytes: 20_000, keepFiles: 5, ringSize: 0 });
    const at = Date.now();
    for (let i = 0; i < 3000; i++) logs.append(line('busy', `b${i}`, at));
    await logs.flush();
    // Tails race a steady stream of appends that would rotate the file many times.
    let next = 3000;
    const writer = setInterval(() => {
      for (let k = 0; k < 200; k++) logs.append(line('busy', `b${next++}`, at));
    }, 1);
    try {
      for (let round = 0; round < 20; round++) {
        const tailed = await logs.tail({ service: 'busy', lines: 2500 });
        const numbers = tailed.map((entry) => Number(entry.line.slice(1)));
        expect(numbers).toEqual(numbers.map((_, i) => itemAt(numbers, 0) + i));
      }
    } finally {
      clearInterval(writer);
    }
  });
});
