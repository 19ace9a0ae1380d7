import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostAllowList, hostnameOf, listenHostNames, misdirectedBody } from '../../daemon/proxy/host-allow-list.js';
import { AllowedHost, splitHostList } from '../../protocol/index.js';
import { itemAt } from '../helpers/item-at.js';

const port = fc.integer({ min: 1, max: 65_535 });
const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);

describe('the Host allow-list', () => {
  const builtIn = new HostAllowList();

  it('answers localhost, 127.0.0.1, [::1] and any *.localhost, with or without a port, in any case', () => {
    for (const host of ['localhost', '127.0.0.1', '[::1]', 'echo.localhost', 'a.b.localhost', 'LOCALHOST', 'Echo.LocalHost']) {
      expect(builtIn.allows(host), host).toBe(true);
      expect(builtIn.allows(`${host}:5000`), `${host}:5000`).toBe(true);
    }
    fc.assert(fc.property(label, port, (name, p) => builtIn.allows(`${name}.localhost:${p}`)));
  });

  it('refuses every other name, look-alikes included', () => {
    const refused = [
      'evil.example.com',
      'evil.example.com:5000',
      'localhost.evil.example.com',
      'echo.localhost.evil.example.com',
      'evillocalhost',
      '.localhost',
      'localhost.',
      '127.0.0.2',
      '0.0.0.0',
      '[::2]',
      '[::ffff:127.0.0.1]',
      '::1',
      '[::1',
      '[::1]x',
      '',
      ':5000',
    ];
    for (const host of refused) expect(builtIn.allows(host), host).toBe(false);
    fc.assert(fc.property(label, label, port, (name, domain, p) => !builtIn.allows(`${name}.${domain}.test:${p}`)));
  });

  it('lets a request without Host through: browsers always send one', () => {
    expect(builtIn.allows(undefined)).toBe(true);
  });

  it('adds the hosts of the settings, `*.` meaning every subdomain', () => {
    const list = new HostAllowList({ hosts: ['dev.test', '*.corp.test', '192.168.1.20', '[fe80::1]'] });
    for (const host of ['dev.test', 'DEV.test:8080', 'api.corp.test', 'a.b.corp.test', '192.168.1.20:5000', '[fe80::1]:5000', 'localhost']) {
      expect(list.allows(host), host).toBe(true);
    }
    for (const host of ['corp.test', 'x.dev.test', 'dev.test.evil.com']) expect(list.allows(host), host).toBe(false);
    expect(list.list()).toEqual(['localhost', '127.0.0.1', '[::1]', '*.localhost', 'dev.test', '*.corp.test', '192.168.1.20', '[fe80::1]']);
  });

  it('consults the route hosts live, so a host added or removed later counts at once', () => {
    const routeHosts = new Set<string>();
    const list = new HostAllowList({ routeHosts: () => routeHosts });
    expect(list.allows('api.test:5000')).toBe(false);
    routeHosts.add('api.test');
    expect(list.allows('api.test:5000')).toBe(true);
    expect(list.list()).toContain('api.test');
    routeHosts.delete('api.test');
    expect(list.allows('api.test')).toBe(false);
  });

  it('takes route hosts as a Map keyed by host too', () => {
    const list = new HostAllowList({ routeHosts: () => new Map([['web.test', 'web']]) });
    expect(list.allows('Web.Test:5000')).toBe(true);
    expect(list.list()).toContain('web.test');
  });

  it('takes the host name out of a Host header', () => {
    expect(hostnameOf('Localhost:5000')).toBe('localhost');
    expect(hostnameOf('[::1]:5000')).toBe('[::1]');
    expect(hostnameOf('[::1]')).toBe('[::1]');
    expect(hostnameOf('a:b:c')).toBeNull();
    expect(hostnameOf('[::1]junk')).toBeNull();
  });

  it('adds the machine’s own name only when listening beyond loopback', () => {
    expect(listenHostNames(undefined)).toEqual([]);
    expect(listenHostNames('127.0.0.1')).toEqual([]);
    expect(listenHostNames('::1')).toEqual([]);
    expect(listenHostNames('0.0.0.0')).toHaveLength(1);
    expect(listenHostNames('192.168.1.20')).toEqual([expect.any(String), '192.168.1.20']);
    expect(listenHostNames('fe80::1')).toEqual([expect.any(String), '[fe80::1]']);
  });

  it('the 421 names the host refused, the hosts allowed and how to add one', () => {
    const body = misdirectedBody('evil.example.com:5000', builtIn.list());
    expect(body).toMatchObject({ error: 'misdirected_request', allowedHosts: ['localhost', '127.0.0.1', '[::1]', '*.localhost'] });
    expect(body.message).toContain('"evil.example.com:5000"');
    expect(body.hint).toMatch(/herve up --allow-host NAME.*HERVE_ALLOWED_HOSTS/);
  });
});

describe('AllowedHost (settings)', () => {
  it('accepts names, wildcards and addresses, lower-cased, bare IPv6 bracketed', () => {
    const cases: [string, string][] = [
      ['dev.test', 'dev.test'],
      [' Dev.Test ', 'dev.test'],
      ['*.dev.test', '*.dev.test'],
      ['my_host', 'my_host'],
      ['192.168.1.20', '192.168.1.20'],
      ['fe80::1', '[fe80::1]'],
      ['::1', '[::1]'],
      ['[FE80::1]', '[fe80::1]'],
    ];
    for (const [raw, parsed] of cases) expect(AllowedHost.parse(raw), raw).toBe(parsed);
  });

  it('refuses a scheme, a port, a path, spaces, a bare wildcard and an empty value, saying why', () => {
    for (const raw of ['http://dev.test', 'dev.test:8080', 'cafe:80', 'dev.test/x', 'dev test', '*', '*.', 'a.*.test', '', '-dev.test', 'dev..test']) {
      const parsed = AllowedHost.safeParse(raw);
      expect(parsed.success, raw).toBe(false);
      expect(itemAt(parsed.error?.issues, 0).message, raw).toContain('is not a host name');
    }
  });

  it('splits HERVE_ALLOWED_HOSTS on commas and drops blanks', () => {
    expect(splitHostList(' a.test, *.b.test ,,')).toEqual(['a.test', '*.b.test']);
    expect(splitHostList('')).toEqual([]);
  });
});
