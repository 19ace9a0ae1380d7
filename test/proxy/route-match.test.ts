import { describe, expect, it } from 'vitest';
import { hasDuplicateHost, matchService, rawHost, serviceFromHost } from '../../daemon/proxy/route-match.js';

describe('route matching', () => {
  it('takes the first path segment as the service and strips it', () => {
    expect(matchService('/echo', undefined)).toEqual({ name: 'echo', path: '/', prefix: '/echo' });
    expect(matchService('/echo/', undefined)).toEqual({ name: 'echo', path: '/', prefix: '/echo' });
    expect(matchService('/echo?a=1', undefined)).toEqual({ name: 'echo', path: '/?a=1', prefix: '/echo' });
    expect(matchService('/echo/a/b?c=/d', undefined)).toEqual({ name: 'echo', path: '/a/b?c=/d', prefix: '/echo' });
  });

  it('leaves Herve’s own paths alone', () => {
    for (const url of ['/', '/health', '/services', '/services/register', '/services/x/start', '/metrics', '/_herve/upstreams', '/?x', '*']) {
      expect(matchService(url, 'localhost:5000'), url).toBeNull();
    }
    // Names that merely start like a reserved word are services.
    expect(matchService('/services-api/x', undefined)?.name).toBe('services-api');
    expect(matchService('/healthy', undefined)?.name).toBe('healthy');
  });

  it('routes <name>.localhost[:port] by host, path untouched, case-insensitive', () => {
    expect(matchService('/health', 'echo.localhost:5000')).toEqual({ name: 'echo', path: '/health', prefix: null });
    expect(matchService('/', 'Echo.LocalHost')).toEqual({ name: 'echo', path: '/', prefix: null });
    expect(serviceFromHost('localhost:5000')).toBeNull();
    expect(serviceFromHost('127.0.0.1:5000')).toBeNull();
    expect(serviceFromHost('[::1]:5000')).toBeNull();
    expect(serviceFromHost('.localhost')).toBeNull();
    expect(serviceFromHost('services.localhost')).toBeNull();
    expect(serviceFromHost(undefined)).toBeNull();
  });

  it('finds Host in raw headers whatever its case', () => {
    expect(rawHost(['Accept', '*/*', 'HOST', 'a.localhost'])).toBe('a.localhost');
    expect(rawHost(['Accept', '*/*'])).toBeUndefined();
  });

  it("takes HTTP/2's :authority as the Host, and refuses a request that names two hosts", () => {
    expect(rawHost([':method', 'GET', ':authority', 'echo.localhost:5443', ':path', '/'])).toBe('echo.localhost:5443');
    expect(hasDuplicateHost([':authority', 'localhost:5443', 'host', 'localhost:5443'])).toBe(false);
    expect(hasDuplicateHost([':authority', 'localhost:5443', 'host', 'evil.test'])).toBe(true);
    expect(hasDuplicateHost(['Host', 'a', 'host', 'a'])).toBe(true);
    expect(hasDuplicateHost(['Host', 'a'])).toBe(false);
  });
});
