import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killAll, request, startService, type RunningService } from './service-process.js';

const SECRET = 'top secret outside the root';
let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync('/tmp/hv-static-');
  root = join(base, 'site');
  mkdirSync(join(root, 'docs'), { recursive: true });
  mkdirSync(join(root, 'empty'));
  writeFileSync(join(base, 'secret.txt'), SECRET);
  writeFileSync(join(root, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(root, 'style.css'), 'body{}');
  writeFileSync(join(root, 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'data.json'), '{"a":1}');
  writeFileSync(join(root, 'blob.unknownext'), 'raw');
  writeFileSync(join(root, 'digits.txt'), '0123456789');
  writeFileSync(join(root, 'docs', 'index.html'), '<h1>docs</h1>');
  writeFileSync(join(root, 'with space.txt'), 'spaced');
  writeFileSync(join(root, '.env'), 'TOKEN=hidden');
  mkdirSync(join(root, '.well-known'));
  writeFileSync(join(root, '.well-known', 'security.txt'), 'Contact: me');
  symlinkSync(join(base, 'secret.txt'), join(root, 'link-out.txt'));
  symlinkSync(base, join(root, 'dir-out'));
  symlinkSync(join(root, 'digits.txt'), join(root, 'link-in.txt'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));
afterEach(killAll);

async function serveSite(): Promise<RunningService> {
  return startService('static', [root]);
}

describe('static service', () => {
  it('serves files with content types by extension, index.html for directories, and /health', async () => {
    const site = await serveSite();
    const cases: [string, string, string][] = [
      ['/', 'text/html; charset=utf-8', '<h1>home</h1>'],
      ['/style.css', 'text/css; charset=utf-8', 'body{}'],
      ['/app.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['/data.json', 'application/json; charset=utf-8', '{"a":1}'],
      ['/blob.unknownext', 'application/octet-stream', 'raw'],
      ['/docs/', 'text/html; charset=utf-8', '<h1>docs</h1>'],
      ['/with%20space.txt?v=2', 'text/plain; charset=utf-8', 'spaced'],
      ['/link-in.txt', 'text/plain; charset=utf-8', '0123456789'],
    ];
    for (const [path, type, body] of cases) {
      const reply = await request(site.port, path);
      expect([path, reply.status, reply.headers['content-type'], reply.text]).toEqual([path, 200, type, body]);
    }
    const redirect = await request(site.port, '/docs?x=1');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/docs/?x=1');
    expect((await request(site.port, '//docs')).headers.location).toBe('/docs/');
    expect(JSON.parse((await request(site.port, '/health')).text).status).toBe('ok');
  });

  it("keeps the front door's prefix (X-Forwarded-Prefix) in its directory redirect, and ignores an unsafe one", async () => {
    const site = await serveSite();
    const behindProxy = await request(site.port, '/docs?x=1', { headers: { 'x-forwarded-prefix': '/site' } });
    expect([behindProxy.status, behindProxy.headers.location]).toEqual([301, '/site/docs/?x=1']);
    for (const unsafe of ['//evil.example', '/a/../b', 'site', '/site/']) {
      const reply = await request(site.port, '/docs', { headers: { 'x-forwarded-prefix': unsafe } });
      expect([unsafe, reply.headers.location]).toEqual([unsafe, '/docs/']);
    }
  });

  it('answers 404 JSON for what is missing or hidden and 405 for other methods; HEAD sends headers only', async () => {
    const site = await serveSite();
    const missing = await request(site.port, '/nope.html');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text).error).toBe('not_found');
    expect((await request(site.port, '/empty/')).status).toBe(404);
    expect((await request(site.port, '/.env')).status).toBe(404);
    expect((await request(site.port, '/%2eenv')).status).toBe(404);
    expect((await request(site.port, '/.well-known/security.txt')).text).toBe('Contact: me');
    const post = await request(site.port, '/index.html', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await request(site.port, '/digits.txt', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('10');
    expect(head.body.length).toBe(0);
  });

  it('serves byte ranges with 206 and refuses unsatisfiable ones with 416', async () => {
    const site = await serveSite();
    const first = await request(site.port, '/digits.txt', { headers: { range: 'bytes=2-5' } });
    expect([first.status, first.headers['content-range'], first.text]).toEqual([206, 'bytes 2-5/10', '2345']);
    const suffix = await request(site.port, '/digits.txt', { headers: { range: 'bytes=-3' } });
    expect([suffix.status, suffix.text]).toEqual([206, '789']);
    const open = await request(site.port, '/digits.txt', { headers: { range: 'bytes=7-' } });
    expect([open.status, open.headers['content-length'], open.text]).toEqual([206, '3', '789']);
    const beyond = await request(site.port, '/digits.txt', { headers: { range: 'bytes=10-20' } });
    expect([beyond.status, beyond.headers['content-range']]).toEqual([416, 'bytes */10']);
    const malformed = await request(site.port, '/digits.txt', { headers: { range: 'pages=1-2' } });
    expect([malformed.status, malformed.text]).toEqual([200, '0123456789']);
    const stale = await request(site.port, '/digits.txt', { headers: { range: 'bytes=0-1', 'if-range': '"not-the-etag"' } });
    expect([stale.status, stale.text]).toEqual([200, '0123456789']);
  });

  it('sends ETag and Last-Modified, and 304 for a matching If-None-Match or If-Modified-Since', async () => {
    const site = await serveSite();
    const full = await request(site.port, '/style.css');
    const etag = full.headers.etag!;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(full.headers['last-modified']).toBeTruthy();
    const cached = await request(site.port, '/style.css', { headers: { 'if-none-match': `"other", ${etag}` } });
    expect([cached.status, cached.body.length, cached.headers.etag]).toEqual([304, 0, etag]);
    const bySince = await request(site.port, '/style.css', { headers: { 'if-modified-since': full.headers['last-modified']! } });
    expect(bySince.status).toBe(304);
    const changed = await request(site.port, '/style.css', { headers: { 'if-none-match': '"something-else"' } });
    expect(changed.status).toBe(200);
  });

  it('refuses every way out of the root: .., encoded dots and slashes, backslashes, symlinks', async () => {
    const site = await serveSite();
    const attempts = [
      '/../secret.txt',
      '/docs/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/.%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/docs/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%2e%2e%5c%2e%2e%5csecret.txt',
      '/link-out.txt',
      '/dir-out/secret.txt',
      '/docs/%00index.html',
      '/%E0%A4%A',
    ];
    for (const path of attempts) {
      const reply = await request(site.port, path);
      expect([path, [400, 403, 404].includes(reply.status)]).toEqual([path, true]);
      expect(reply.text).not.toContain(SECRET);
    }
  });

  it('serves the demo folder shipped in the repository when given no root', async () => {
    const demo = await startService('static');
    const page = await request(demo.port, '/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Served by Herve');
    expect((await request(demo.port, '/style.css')).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('refuses to start on a root that does not exist, saying what to do', async () => {
    await expect(startService('static', [join(base, 'missing')])).rejects.toThrow(/is not a directory — pass the folder/);
  });
});
