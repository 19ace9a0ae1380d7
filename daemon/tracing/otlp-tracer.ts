import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type IdGenerator } from '@opentelemetry/sdk-trace-base';
import { packageVersion } from '../../platform/package-root.js';
import type { RequestRecord } from '../../protocol/index.js';
import type { TraceContext } from '../proxy/trace-context.js';
import type { RequestTracer } from './request-tracer.js';

/**
 * The front door chose its span's ids when it forwarded the request (the service already got
 * them in its traceparent); the span, made once the request is over, must carry the same ids.
 */
class ChosenIds implements IdGenerator {
  traceId = '';
  spanId = '';
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    return this.spanId;
  }
}

export function createOtlpTracer(url: string, serviceName: string): RequestTracer {
  const ids = new ChosenIds();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': packageVersion() }),
    idGenerator: ids,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  const tracer = provider.getTracer('herve.front-door', packageVersion());
  return {
    export(record: RequestRecord, context: TraceContext, route: string): void {
      ids.traceId = context.traceId;
      ids.spanId = context.spanId;
      const span = tracer.startSpan(
        `${record.method} ${route}`,
        {
          kind: SpanKind.SERVER,
          startTime: record.at,
          attributes: {
            'herve.service': record.service,
            ...(record.instance === null ? {} : { 'herve.instance': record.instance }),
            'http.route': route,
            'http.request.method': record.method,
            'url.path': record.path,
            'http.response.status_code': record.status,
            'http.response.body.size': record.bytes,
            ...(record.upstreamMs === null ? {} : { 'herve.upstream_ms': record.upstreamMs }),
            'herve.request_id': record.requestId,
          },
        },
        parentOf(context),
      );
      if (record.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(record.at + record.durationMs);
    },
    shutdown: () => provider.shutdown(),
  };
}

function parentOf(context: TraceContext): Context {
  if (context.parentSpanId === null) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: context.traceId,
    spanId: context.parentSpanId,
    traceFlags: Number.parseInt(context.flags, 16),
    isRemote: true,
  });
}
