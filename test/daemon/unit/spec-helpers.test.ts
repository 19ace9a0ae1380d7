import { describe, expect, it } from 'vitest';
import { expandVars } from '../../../daemon/orchestrator/expand-vars.js';
import { compileGlob } from '../../../daemon/orchestrator/glob.js';
import { RouteIndex } from '../../../daemon/proxy/route-match.js';

describe('expandVars', () => {
  const env = { PORT: '4100', EMPTY: '' };
  it('expands $NAME, ${NAME} and ${NAME:-default} like a shell, without one', () => {
    expect(expandVars('$PORT', env)).toBe('4100');
    expect(expandVars('--port=${PORT}', env)).toBe('--port=4100');
    expect(expandVars('${HOST:-127.0.0.1}:$PORT', env)).toBe('127.0.0.1:4100');
    expect(expandVars('${EMPTY:-fallback}', env)).toBe('fallback');
    expect(expandVars('${PORT:-9}', env)).toBe('4100');
    expect(expandVars('a$UNSET-b', env)).toBe('a-b');
    expect(expandVars('$$PORT costs $5', env)).toBe('$PORT costs $5');
    expect(expandVars('no references; *.js stays', env)).toBe('no references; *.js stays');
  });
});

describe('compileGlob', () => {
  const matches = (glob: string, path: string) => compileGlob(glob).test(path);
  it('matches names at any depth without a slash, anchored paths with one', () => {
    expect(matches('*.log', 'a.log')).toBe(true);
    expect(matches('*.log', 'logs/deep/a.log')).toBe(true);
    expect(matches('*.log', 'a.logx')).toBe(false);
    expect(matches('dist/**', 'dist/a/b.js')).toBe(true);
    expect(matches('dist/**', 'src/dist/a.js')).toBe(false);
    expect(matches('**/*.test.js', 'src/a/b.test.js')).toBe(true);
    expect(matches('src/*.{ts,tsx}', 'src/a.tsx')).toBe(true);
    expect(matches('src/*.{ts,tsx}', 'src/a.js')).toBe(false);
    expect(matches('tmp', 'tmp/x/y')).toBe(true);
  });

  it('matches in linear time: a glob that makes a backtracking engine explode answers at once', () => {
    // A backtracking RegExp takes minutes over this one name (each more star multiplies it), far
    // past the test's timeout; RE2 answers in microseconds.
    expect(matches('*a*a*a*a*a*a*a*a*b', 'a'.repeat(60))).toBe(false);
    expect(matches('*a*a*b', 'xaxab')).toBe(true);
  });

  it('refuses a glob it cannot read with a clear error', () => {
    expect(() => compileGlob('src/{a,b')).toThrow(/watch.ignore "src\/\{a,b" is not a glob/);
  });
});

describe('RouteIndex', () => {
  const index = new RouteIndex([
    { name: 'api', route: { path: '/api/v1', hosts: ['api.test'] } },
    { name: 'web', route: { path: '/web', hosts: [] } },
    { name: 'jobs', route: false },
  ]);
  it('routes by explicit host, <name>.localhost, then the longest prefix', () => {
    expect(index.match('/x?y=1', 'API.test:8080')).toEqual({ name: 'api', path: '/x?y=1', prefix: null });
    expect(index.match('/x', 'web.localhost:5000')).toEqual({ name: 'web', path: '/x', prefix: null });
    expect(index.match('/api/v1/users', undefined)).toEqual({ name: 'api', path: '/users', prefix: '/api/v1' });
    expect(index.match('/api/v1?q', undefined)).toEqual({ name: 'api', path: '/?q', prefix: '/api/v1' });
    expect(index.match('/web', undefined)).toEqual({ name: 'web', path: '/', prefix: '/web' });
  });
  it('marks names with no route here as unrouted, and leaves Herve its own paths', () => {
    expect(index.match('/api/v10', undefined)).toMatchObject({ name: 'api', unrouted: true });
    expect(index.match('/jobs/', undefined)).toMatchObject({ name: 'jobs', unrouted: true });
    expect(index.match('/', 'jobs.localhost')).toMatchObject({ name: 'jobs', unrouted: true });
    expect(index.match('/health', undefined)).toBeNull();
    expect(index.hosts()).toEqual(['api.test']);
  });
});
