import { describe, expect, it } from 'vitest';
import { serviceEnvironment } from '../../../daemon/orchestrator/service-env.js';

const facts = { port: 4100, service: 'api', instance: 0 };

describe('what a service inherits from the daemon', () => {
  it('never the OTLP exporter settings (a collector token may be in them), unless the service declares them', () => {
    const daemonEnv = {
      PATH: '/usr/bin',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer collector-token',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces',
      AUTH_ADMIN_SECRET: 'admin',
    };
    const inherited = serviceEnvironment(daemonEnv, {}, facts);
    expect(Object.keys(inherited).filter((name) => name.startsWith('OTEL_EXPORTER_OTLP_') || name.startsWith('AUTH_'))).toEqual([]);
    expect(inherited.PATH).toBe('/usr/bin');
    const declared = serviceEnvironment(daemonEnv, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://own-collector:4318' }, facts);
    expect(declared.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://own-collector:4318');
    expect(declared.OTEL_EXPORTER_OTLP_HEADERS).toBeUndefined();
  });
});
