import { afterEach, describe, expect, it } from 'vitest';
import { cleanUpAfterEach, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { fixtureService } from '../helpers/fixtures.js';
import { loadedModules, startRecordingDaemon } from '../helpers/module-record.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';

const seenPids = new Set<number>();
cleanUpAfterEach(seenPids);

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

interface Echoed {
  headers: Record<string, string>;
  otlpEndpoint: string | null;
}

async function echo(daemon: TestDaemon, headers: Record<string, string> = {}): Promise<{ echoed: Echoed; requestId: string | null }> {
  const response = await fetch(`http://127.0.0.1:${daemon.proxyPort}/web/`, { headers });
  return { echoed: (await response.json()) as Echoed, requestId: response.headers.get('x-request-id') };
}

/** A recording daemon (test/helpers/module-record.ts) with the echo-headers fixture registered as `web`. */
async function recordedDaemon(env: NodeJS.ProcessEnv = {}): Promise<TestDaemon> {
  const daemon = await startRecordingDaemon(env);
  const info = await daemon.client.call('register', fixtureService('web', 'echo-headers.mjs'));
  for (const instance of info.instances) if (instance.pid) seenPids.add(instance.pid);
  return daemon;
}

describe('tracing at the front door', () => {
  it('keeps a valid traceparent, creates one otherwise, replaces an invalid one, and sets X-Request-Id; no tracing code loaded', async () => {
    const daemon = await recordedDaemon();
    const kept = await echo(daemon, {
      traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`,
      tracestate: 'vendor=1',
      'x-request-id': 'client-id-42',
    });
    expect(kept.echoed.headers.traceparent).toBe(`00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`);
    expect(kept.echoed.headers.tracestate).toBe('vendor=1');
    expect(kept.echoed.headers['x-request-id']).toBe('client-id-42');
    expect(kept.requestId).toBe('client-id-42');

    const created = await echo(daemon);
    const [, traceId, spanId] = TRACEPARENT.exec(created.echoed.headers.traceparent ?? '') ?? [];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toMatch(/^0+$/);
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(created.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.echoed.headers['x-request-id']).toBe(created.requestId);

    const invalid = await echo(daemon, {
      traceparent: `00-${'0'.repeat(32)}-${CLIENT_SPAN}-01`,
      tracestate: 'vendor=1',
      'x-request-id': 'has spaces and ; semicolons',
    });
    expect(invalid.echoed.headers.traceparent).toMatch(TRACEPARENT);
    expect(invalid.echoed.headers.traceparent).not.toContain('0'.repeat(32));
    expect(invalid.echoed.headers.tracestate).toBeUndefined();
    expect(invalid.requestId).toMatch(/^[0-9a-f-]{36}$/);

    // Each request's record names the trace the service was given.
    const { requests } = await daemon.client.call('requests', { service: 'web', lines: 3 });
    expect(requests.map((record) => record.traceId)).toEqual([CLIENT_TRACE, traceId, TRACEPARENT.exec(invalid.echoed.headers.traceparent ?? '')![1]]);

    const modules = loadedModules(daemon);
    expect(modules.some((url) => url.endsWith('/dist/daemon/main.js'))).toBe(true);
    // The tracer is its own file whether tsc built it (tracing/otlp-tracer.js) or the bundle split it off (chunks/otlp-tracer-*.js).
    expect(modules.filter((url) => url.includes('opentelemetry') || url.includes('otlp-tracer'))).toEqual([]);
  });

  it('exports one span per request to a real OTLP/HTTP receiver, child of the client span, parent of the service', async () => {
    receiver = await startOtlpReceiver();
    const daemon = await recordedDaemon({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const traced = await echo(daemon, { traceparent: `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01` });
    const [, traceId, frontDoorSpan] = TRACEPARENT.exec(traced.echoed.headers.traceparent ?? '') ?? [];
    expect(traceId).toBe(CLIENT_TRACE);
    expect(frontDoorSpan).not.toBe(CLIENT_SPAN);
    // Herve's exporter settings are its own: the service does not inherit them.
    expect(traced.echoed.otlpEndpoint).toBeNull();

    // A client that chose not to sample its trace gets its choice respected: no span.
    const unsampledTrace = 'abcdefabcdefabcdefabcdefabcdef01';
    const unsampled = await echo(daemon, { traceparent: `00-${unsampledTrace}-${CLIENT_SPAN}-00` });
    expect(unsampled.echoed.headers.traceparent).toMatch(new RegExp(`^00-${unsampledTrace}-[0-9a-f]{16}-00$`));
    const rootRequest = await echo(daemon);
    const [, rootTrace, rootSpan] = TRACEPARENT.exec(rootRequest.echoed.headers.traceparent ?? '') ?? [];

    const spans = await waitFor(() => (receiver!.spans.some((span) => span.traceId === rootTrace) ? receiver!.spans : null), {
      timeoutMs: 20_000,
      message: 'the receiver got no spans',
    });
    expect(receiver.refused).toEqual([]);
    const child = spans.find((span) => span.traceId === CLIENT_TRACE);
    expect(child).toMatchObject({
      spanId: frontDoorSpan,
      parentSpanId: CLIENT_SPAN,
      name: 'GET /web',
      kind: 2,
      resource: { 'service.name': 'herve' },
      attributes: {
        'herve.service': 'web',
        'herve.instance': 0,
        'http.route': '/web',
        'http.request.method': 'GET',
        'http.response.status_code': 200,
        'url.path': '/web/',
        'herve.request_id': traced.requestId,
      },
    });
    expect(child!.attributes['http.response.body.size']).toBeGreaterThan(0);
    expect(child!.attributes['herve.upstream_ms']).toBeGreaterThanOrEqual(0);
    // Spans leave in the order their requests ended: the unsampled one would be here by now.
    expect(spans.some((span) => span.traceId === unsampledTrace)).toBe(false);
    // One span per sampled request: the client's and the one Herve started.
    expect(spans).toHaveLength(2);
    const root = spans.find((span) => span.traceId === rootTrace);
    expect(root).toMatchObject({ spanId: rootSpan, parentSpanId: '' });
    expect(loadedModules(daemon).some((url) => url.includes('/@opentelemetry/exporter-trace-otlp-http/'))).toBe(true);
  });
});
