import { describe, expect, it } from 'vitest';
import { headerPairs, maskedRawHeaders } from '../../../daemon/requests/header-capture.js';

describe('maskedRawHeaders', () => {
  it('masks every secret value and leaves the request its own headers', () => {
    const raw = ['Host', 'localhost', 'Authorization', 'Bearer abc', 'X-Api-Key', 'k', 'Accept', '*/*'];
    const masked = maskedRawHeaders(raw);
    expect(headerPairs(masked)).toEqual([
      ['Host', 'localhost'],
      ['Authorization', '***'],
      ['X-Api-Key', '***'],
      ['Accept', '*/*'],
    ]);
    expect(raw[3]).toBe('Bearer abc');
  });

  it('keeps the same array when nothing is secret', () => {
    const raw = ['Host', 'localhost', 'Accept', '*/*'];
    expect(maskedRawHeaders(raw)).toBe(raw);
  });
});
