import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertProcessGone, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { startHarness, type Harness } from '../proxy/fixtures/harness.js';
import { echoHandler, startUpstream, type Upstream } from '../proxy/fixtures/upstream.js';
import { firstItems, itemAt } from '../helpers/item-at.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the Prometheus text format (0.0.4): every line is a comment or a sample. */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const [, typedName, type] = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line) ?? [];
    if (typedName !== undefined && type !== undefined) {
      types.set(typedName, type);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const [, name, labelText = '', value] = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line) ?? [];
    if (name === undefined || value === undefined) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key = '', labelValue = ''] of labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = labelValue;
    samples.push({ name, labels, value: Number(value) });
  }
  return { samples, types };
}

describe('GET /metrics', () => {
  let harness: Harness;
  let upstream: Upstream;

  beforeEach(async () => {
    harness = await startHarness();
    upstream = await startUpstream(echoHandler('m'));
    harness.routes.set('echo', [upstream.port]);
    await harness.control.register({ type: 'echo', name: 'echo', replicas: 2 });
  });

  afterEach(async () => {
    await harness.door.close();
    await upstream.close();
  });

  it('exports request counts, latency histograms and the daemon’s own process figures', async () => {
    for (let i = 0; i < 7; i++) await (await fetch(`${harness.url}/echo/`)).arrayBuffer();
    await (await fetch(`${harness.url}/ghost/`)).arrayBuffer();
    harness.routes.set('echo', []);
    await (await fetch(`${harness.url}/echo/`)).arrayBuffer();

    const response = await fetch(`${harness.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const { samples, types } = parsePrometheus(await response.text());
    const find = (name: string, labels: Record<string, string>): number | undefined =>
      samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))?.value;

    expect(types.get('herve_http_requests_total')).toBe('counter');
    expect(find('herve_http_requests_total', { service: 'echo', status_class: '2xx' })).toBe(7);
    expect(find('herve_http_requests_total', { service: 'echo', status_class: '5xx' })).toBe(1);
    expect(types.get('herve_http_request_duration_seconds')).toBe('histogram');
    expect(find('herve_http_request_duration_seconds_count', { service: 'echo' })).toBe(8);
    expect(find('herve_http_request_duration_seconds_bucket', { service: 'echo', le: '+Inf' })).toBe(8);
    const buckets = samples.filter((sample) => sample.name === 'herve_http_request_duration_seconds_bucket').map((sample) => sample.value);
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(find('process_resident_memory_bytes', {})).toBeGreaterThan(0);
    expect(types.get('process_cpu_seconds_total')).toBe('counter');
    expect(find('process_cpu_seconds_total', {})).toBeGreaterThan(0);
    expect(find('nodejs_heap_size_used_bytes', {})).toBeGreaterThan(0);
    const startedAt = find('process_start_time_seconds', {}) ?? 0;
    expect(Math.abs(startedAt - (Date.now() / 1000 - process.uptime()))).toBeLessThan(5);
    // No default collector: it would sample the event loop all the time, scraped or not.
    expect(samples.some((sample) => sample.name.startsWith('nodejs_eventloop_lag'))).toBe(false);
    // Unknown services are not tracked: their names are unbounded.
    expect(samples.some((sample) => sample.labels.service === 'ghost')).toBe(false);
  });
});

describe('GET /metrics on a real daemon', () => {
  let daemon: TestDaemon | undefined;
  const servicePids: number[] = [];

  afterEach(async () => {
    await daemon?.stop();
    daemon?.removeHome();
    for (const pid of [...servicePids, ...(daemon ? [daemon.pid] : [])]) await assertProcessGone(pid);
    servicePids.length = 0;
    daemon = undefined;
  });

  it('counts a restart after a real kill -9, follows instance readiness, and reports the service’s real CPU and memory', async () => {
    daemon = await startDaemon();
    const url = `http://127.0.0.1:${daemon.proxyPort}`;
    const scrape = async (): Promise<Sample[]> => parsePrometheus(await (await fetch(`${url}/metrics`)).text()).samples;
    const value = (samples: Sample[], name: string, labels: Record<string, string>): number | undefined =>
      samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted))?.value;

    const info = await daemon.client.call('register', { type: 'echo', replicas: 2 });
    const [killed, kept] = firstItems(
      info.instances.map((instance) => instance.pid!),
      2,
    );
    servicePids.push(killed, kept);
    let samples = await waitFor(
      async () => {
        const current = await scrape();
        return value(current, 'herve_instance_up', { service: 'echo', instance: '0' }) === 1 &&
          value(current, 'herve_instance_up', { service: 'echo', instance: '1' }) === 1
          ? current
          : null;
      },
      { timeoutMs: 20_000, message: 'both instances up' },
    );
    expect(value(samples, 'herve_service_restarts_total', { service: 'echo' }) ?? 0).toBe(0);

    process.kill(killed, 'SIGKILL');
    const back = await waitFor(
      async () => {
        const current = await daemon!.client.call('get', { service: 'echo' });
        return itemAt(current.instances, 0).ready && itemAt(current.instances, 0).pid !== killed ? current : null;
      },
      { timeoutMs: 20_000, message: 'the killed instance back' },
    );
    servicePids.push(itemAt(back.instances, 0).pid!);
    samples = await scrape();
    expect(value(samples, 'herve_service_restarts_total', { service: 'echo' })).toBe(1);
    expect(value(samples, 'herve_instance_up', { service: 'echo', instance: '0' })).toBe(1);

    // The sampler's figures for the two live echo processes, as read from /proc by the daemon.
    samples = await waitFor(
      async () => {
        const current = await scrape();
        return (value(current, 'herve_process_resident_memory_bytes', { service: 'echo' }) ?? 0) > 0 ? current : null;
      },
      { message: 'echo memory sampled' },
    );
    const stats = (await daemon.client.call('stats')).services.find((service) => service.name === 'echo')!;
    const rss = value(samples, 'herve_process_resident_memory_bytes', { service: 'echo' })!;
    // Two node processes: each at least a few MB, together far below a GB.
    expect(rss).toBeGreaterThan(2 * 8 * 1024 * 1024);
    expect(rss).toBeLessThan(1024 ** 3);
    expect(Math.abs(rss - stats.rssBytes) / stats.rssBytes).toBeLessThan(0.5);
    expect(value(samples, 'herve_process_cpu_percent', { service: 'echo' })).toBeGreaterThanOrEqual(0);

    await daemon.client.call('stop', { service: 'echo' });
    samples = await scrape();
    expect(value(samples, 'herve_instance_up', { service: 'echo', instance: '0' })).toBe(0);
    expect(value(samples, 'herve_instance_up', { service: 'echo', instance: '1' })).toBe(0);
    expect(value(samples, 'herve_service_restarts_total', { service: 'echo' })).toBe(1);
  });

  it('loads prom-client on the first scrape only, and that scrape counts the traffic before it', async () => {
    // NODE_DEBUG=module makes Node's loader name every CommonJS file it loads (prom-client is one).
    daemon = await startDaemon({ env: { NODE_DEBUG: 'module' } });
    const url = `http://127.0.0.1:${daemon.proxyPort}`;
    const info = await daemon.client.call('register', { type: 'echo' });
    servicePids.push(...info.instances.map((instance) => instance.pid!));
    await waitFor(async () => (await fetch(`${url}/echo/health`)).status === 200, { message: 'echo ready through the proxy' });
    for (let i = 0; i < 3; i++) expect((await fetch(`${url}/echo/x`)).status).toBe(200);
    expect(daemon.output()).not.toContain('prom-client');

    const [first, second] = await Promise.all([fetch(`${url}/metrics`), fetch(`${url}/metrics`)]);
    const texts = await Promise.all([first.text(), second.text()]);
    for (const text of texts) {
      const { samples } = parsePrometheus(text);
      const twoHundreds = samples.find((sample) => sample.name === 'herve_http_requests_total' && sample.labels.status_class === '2xx');
      // The health polls before them count too: at least the three requests.
      expect(twoHundreds?.value).toBeGreaterThanOrEqual(4);
      expect(samples.find((sample) => sample.name === 'process_resident_memory_bytes')?.value).toBeGreaterThan(0);
    }
    expect(first.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    await waitFor(() => daemon!.output().includes('prom-client'), { message: 'prom-client loaded after the first scrape' });
  });
});
