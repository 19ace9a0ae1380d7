import type { RequestRecord } from '../../protocol/index.js';
import { HerveError } from '../shared/errors.js';
import type { TraceContext } from '../proxy/trace-context.js';

/** Exports one span per proxied request; only exists when an OTLP endpoint is configured. */
export interface RequestTracer {
  export(record: RequestRecord, trace: TraceContext, route: string): void;
  /** Sends what is batched, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Where spans go, from the standard OpenTelemetry variables of the daemon's environment
 * (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, else `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`); null: tracing off.
 */
export function tracesUrl(env: NodeJS.ProcessEnv): string | null {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces !== undefined && traces.length > 0) return checkedUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', traces, traces);
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (base === undefined || base.length === 0) return null;
  return checkedUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base, `${base.replace(/\/+$/, '')}/v1/traces`);
}

function checkedUrl(variable: string, value: string, url: string): string {
  if (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)) return url;
  throw new HerveError(
    'bad_request',
    `${variable} is not an http(s) URL: ${JSON.stringify(value)}`,
    `set it to the collector's OTLP/HTTP address, e.g. ${variable}=http://localhost:4318, or unset it to turn tracing off`,
  );
}

/** The tracer when tracing is configured; without it, no OpenTelemetry code is loaded at all. */
export async function loadRequestTracer(env: NodeJS.ProcessEnv): Promise<RequestTracer | null> {
  const url = tracesUrl(env);
  if (url === null) return null;
  const { createOtlpTracer } = await import('./otlp-tracer.js');
  return createOtlpTracer(url, env.OTEL_SERVICE_NAME ?? 'herve');
}
