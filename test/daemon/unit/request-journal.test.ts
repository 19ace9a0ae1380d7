import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestJournal } from '../../../daemon/requests/request-journal.js';
import type { RequestRecord } from '../../../protocol/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function record(index: number): RequestRecord {
  return {
    at: 1_700_000_000_000 + index,
    service: 'api',
    instance: 0,
    method: 'GET',
    path: `/api/${index}`,
    status: 200,
    bytes: 10,
    durationMs: 1.5,
    upstreamMs: 1,
    requestId: `r-${index}`,
    traceId: 'a'.repeat(32),
  };
}

function finished(index: number) {
  return {
    record: record(index),
    trace: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: null, flags: '01' },
    prefix: '/api',
    rawHeaders: ['Host', 'localhost'],
  };
}

describe('RequestJournal', () => {
  it('rotates the access log like the service logs and reads back through the rotated files', async () => {
    const dir = mkdtempSync('/tmp/hv-journal-');
    dirs.push(dir);
    const journal = new RequestJournal({ dir, maxFileBytes: 4096, keepFiles: 3, recentPerService: 10 });
    for (let index = 0; index < 60; index++) journal.record(finished(index));
    await journal.flushed();
    expect(existsSync(join(dir, 'api.log.1'))).toBe(true);
    expect(statSync(join(dir, 'api.log')).size).toBeLessThanOrEqual(4096);
    expect(statSync(join(dir, 'api.log.1')).mode & 0o777).toBe(0o600);
    await journal.close();

    // A new journal has nothing in memory: everything comes from the files, oldest first.
    const reopened = new RequestJournal({ dir, maxFileBytes: 4096, keepFiles: 3 });
    const all = await reopened.recentRequests({ service: 'api', lines: 1000, accept: () => true });
    const files = ['api.log', 'api.log.1', 'api.log.2', 'api.log.3'].filter((name) => existsSync(join(dir, name)));
    const kept = files.reduce((sum, name) => sum + readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean).length, 0);
    expect(all).toHaveLength(kept);
    expect(all.at(-1)?.requestId).toBe('r-59');
    expect(all.map((entry) => entry.requestId)).toEqual(all.map((entry) => entry.requestId).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2))));
    await reopened.close();
  });

  it('keeps the headers of the last N requests only', () => {
    const dir = mkdtempSync('/tmp/hv-journal-');
    dirs.push(dir);
    const journal = new RequestJournal({ dir, headersPerService: 2 });
    for (let index = 0; index < 3; index++) journal.record(finished(index));
    expect(journal.headersOf('api', 'r-0')).toBeNull();
    expect(journal.headersOf('api', 'r-2')?.headers).toEqual([['Host', 'localhost']]);
    return journal.close();
  });
});
