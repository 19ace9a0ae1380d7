import type { RequestStatsRecorder } from '../stats/request-stats.js';
import { PROMETHEUS_BUCKETS } from '../stats/request-stats.js';

interface MetricValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * herve_http_request_duration_seconds, read from the request stats at scrape
 * time: the proxy records into plain arrays (cheap) and prom-client only formats.
 * prom-client's registry accepts any object with this shape.
 */
export class RequestDurationMetric {
  readonly name = 'herve_http_request_duration_seconds';
  readonly help = 'Time from receiving a proxied request to the end of its response, per service';
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(private readonly stats: RequestStatsRecorder) {}

  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const values: MetricValue[] = [];
    for (const [service, totals] of this.stats.totals()) {
      let cumulative = 0;
      PROMETHEUS_BUCKETS.forEach((bound, index) => {
        cumulative += totals.latencyBuckets[index] ?? 0;
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, service }, value: cumulative });
      });
      cumulative += totals.latencyBuckets[PROMETHEUS_BUCKETS.length] ?? 0;
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', service }, value: cumulative });
      values.push({ metricName: `${this.name}_sum`, labels: { service }, value: totals.latencySumSeconds });
      values.push({ metricName: `${this.name}_count`, labels: { service }, value: cumulative });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {}
}
