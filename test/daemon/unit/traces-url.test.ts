import { describe, expect, it } from 'vitest';
import { tracesUrl } from '../../../daemon/tracing/request-tracer.js';

describe('where the front door sends its spans', () => {
  it('follows the OpenTelemetry variables: the traces endpoint as is, else the base plus /v1/traces', () => {
    expect(tracesUrl({})).toBeNull();
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeNull();
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' })).toBe('http://localhost:4318/v1/traces');
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318/' })).toBe('http://localhost:4318/v1/traces');
    expect(
      tracesUrl({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:1',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b:2/custom',
      }),
    ).toBe('https://b:2/custom');
  });

  it('refuses what is not an http(s) URL, saying what to set', () => {
    for (const value of ['localhost:4318', 'grpc://collector:4317', 'not a url']) {
      expect(() => tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: value })).toThrow(
        expect.objectContaining({
          code: 'bad_request',
          hint: expect.stringContaining('OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318'),
        }),
      );
    }
  });
});
