import { describe, expect, it } from 'vitest';
import { crossOriginRefusal, forgeryRefusal, isPreflight } from '../../daemon/admin/browser-guard.js';
import { parseRegisterBody } from '../../daemon/admin/register-body.js';

const HOST = 'localhost:5000';

describe('the CSRF guard of the admin API', () => {
  it('lets curl and scripts through: they send neither Origin nor Sec-Fetch-Site', () => {
    expect(forgeryRefusal({ host: HOST, 'content-type': 'application/x-www-form-urlencoded' })).toBeNull();
    expect(forgeryRefusal({ host: HOST, 'sec-fetch-mode': 'cors' })).toBeNull();
    expect(forgeryRefusal({})).toBeNull();
  });

  it('takes Herve’s own origin in any case, over http or https, with JSON or X-Herve-Admin', () => {
    for (const origin of ['http://localhost:5000', 'HTTP://LocalHost:5000', 'https://localhost:5000']) {
      expect(forgeryRefusal({ host: HOST, origin, 'content-type': 'application/json; charset=utf-8' }), origin).toBeNull();
      expect(forgeryRefusal({ host: HOST, origin, 'x-herve-admin': '1' }), origin).toBeNull();
    }
    expect(forgeryRefusal({ host: HOST, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' })).toBeNull();
    expect(forgeryRefusal({ host: HOST, 'sec-fetch-site': 'none', 'x-herve-admin': '1' })).toBeNull();
  });

  it('refuses another origin, another port, another site, Origin: null, and an Origin without Host', () => {
    const foreign = [
      { host: HOST, origin: 'https://evil.example.com' },
      { host: HOST, origin: 'http://localhost:3000' },
      { host: HOST, origin: 'http://localhost:5000.evil.example.com' },
      { host: HOST, origin: 'null' },
      { origin: 'http://localhost:5000' },
      { host: HOST, 'sec-fetch-site': 'cross-site' },
      { host: HOST, 'sec-fetch-site': 'same-site' },
      { host: HOST, origin: 'http://localhost:5000', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of foreign) {
      const refusal = forgeryRefusal({ ...headers, 'content-type': 'application/json', 'x-herve-admin': '1' });
      expect(refusal?.error, JSON.stringify(headers)).toBe('cross_origin');
      expect(crossOriginRefusal(headers)?.error).toBe('cross_origin');
    }
  });

  it('refuses a simple request from a browser on Herve’s own origin', () => {
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x', undefined]) {
      const refusal = forgeryRefusal({ host: HOST, origin: 'http://localhost:5000', 'sec-fetch-site': 'same-origin', 'content-type': contentType });
      expect(refusal?.error, contentType).toBe('simple_request');
    }
  });

  it('knows a CORS preflight from a plain OPTIONS', () => {
    expect(isPreflight('OPTIONS', { 'access-control-request-method': 'POST' })).toBe(true);
    expect(isPreflight('OPTIONS', {})).toBe(false);
    expect(isPreflight('POST', { 'access-control-request-method': 'POST' })).toBe(false);
  });
});

describe('register bodies are read as their Content-Type says', () => {
  const json = Buffer.from(JSON.stringify({ type: 'echo', name: 'api' }));

  it('JSON only as application/json, a form as a form or without a type', () => {
    expect(parseRegisterBody(json, 'application/json')).toMatchObject({ name: 'api' });
    expect(parseRegisterBody(json, 'Application/JSON; charset=utf-8')).toMatchObject({ name: 'api' });
    expect(parseRegisterBody(Buffer.from('type=echo&name=api'), 'application/x-www-form-urlencoded')).toMatchObject({ name: 'api' });
    expect(parseRegisterBody(Buffer.from('type=echo&name=api'), undefined)).toMatchObject({ name: 'api' });
  });

  it('never reads JSON out of text/plain or another type', () => {
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/json-seq', 'multipart/form-data; boundary=x', 'application/jsonx']) {
      expect(() => parseRegisterBody(json, type), type).toThrow(expect.objectContaining({ code: 'unsupported_media_type' }));
    }
    // A JSON-looking form body is not parsed: the error says which Content-Type to send.
    for (const type of [undefined, 'application/x-www-form-urlencoded']) {
      expect(() => parseRegisterBody(json, type), type).toThrow(
        expect.objectContaining({ code: 'bad_request', hint: expect.stringContaining('Content-Type: application/json') }),
      );
    }
  });
});
