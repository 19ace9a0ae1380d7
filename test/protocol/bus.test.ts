import { describe, expect, it } from 'vitest';
import { BusUrl, busUrlProblem, maskBusUrl, parseBusMember } from '../../protocol/index.js';

describe('the bus URL', () => {
  it('takes redis:// and rediss:// with a host, an optional password and database number', () => {
    for (const url of ['redis://127.0.0.1:6379', 'redis://:pw@redis.internal:6380/2', 'rediss://user:pw@[::1]:6379', 'redis://host'])
      expect(busUrlProblem(url), url).toBeNull();
  });

  it('refuses the rest with a reason that never echoes the URL', () => {
    const cases: Array<[string, RegExp]> = [
      ['http://:secret@host:6379', /must be redis:\/\/ or rediss:\/\/ \(got http:\/\/\)/],
      ['redis:/:secret', /names no host/],
      ['not a url secret', /is not a URL/],
      ['redis://:secret@host:6379/db', /path must be a database number/],
      ['redis://:secret@host:6379?x=1', /no query or a fragment|must not have a query/],
    ];
    for (const [url, reason] of cases) {
      const parsed = BusUrl.safeParse(url);
      expect(parsed.success, url).toBe(false);
      const message = parsed.error?.issues[0]?.message ?? '';
      expect(message, url).toMatch(reason);
      expect(message).not.toContain('secret');
    }
  });

  it('is shown with its user name and password masked', () => {
    expect(maskBusUrl('redis://:s3cret@host:6379')).toBe('redis://:***@host:6379');
    expect(maskBusUrl('rediss://admin:s3cret@host:6379/1')).toBe('rediss://***:***@host:6379/1');
    expect(maskBusUrl('redis://host:6379')).toBe('redis://host:6379');
    expect(maskBusUrl('::')).toBe('(not a URL)');
  });
});

describe('a bus message (herve:ack, herve:leave)', () => {
  it('is a name and a member URL, or the reason it is ignored', () => {
    expect(parseBusMember('{"name":"api","url":"http://10.0.0.5:8080"}')).toEqual({
      name: 'api',
      url: 'http://10.0.0.5:8080',
    });
    expect(parseBusMember('nope')).toBe('not JSON');
    expect(parseBusMember('{"name":"Bad Name","url":"http://h:1"}')).toMatch(/^name: /);
    expect(parseBusMember('{"name":"api","url":"http://user:pw@h:1"}')).toMatch(/must not carry credentials/);
    expect(parseBusMember(JSON.stringify({ name: 'api', url: 'http://h:1', pad: 'x'.repeat(5000) }))).toMatch(/longer than 4096 bytes/);
  });
});
