import { z } from 'zod';

export const LogStream = z.enum(['stdout', 'stderr', 'system']);
export type LogStream = z.infer<typeof LogStream>;

/** One captured line of a service's output (or a `system` line the daemon wrote about it). */
export const LogLine = z.object({
  service: z.string(),
  /** Replica index; null for a service-level system line. */
  instance: z.number().int().nullable(),
  stream: LogStream,
  /** Epoch milliseconds. */
  at: z.number(),
  line: z.string(),
});
export type LogLine = z.infer<typeof LogLine>;

export const ProcessUsage = z.object({
  cpuPercent: z.number(),
  rssBytes: z.number(),
});
export type ProcessUsage = z.infer<typeof ProcessUsage>;

export const InstanceStats = ProcessUsage.extend({
  index: z.number().int(),
  pid: z.number().int().nullable(),
});
export type InstanceStats = z.infer<typeof InstanceStats>;

/** Proxy traffic of one service over the sliding window; null until the proxy has seen it. */
export const RequestStats = z.object({
  total: z.number().int(),
  ratePerSec: z.number(),
  errors5xx: z.number().int(),
  errorRate: z.number(),
  p50Ms: z.number().nullable(),
  p90Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  bytesOut: z.number(),
});
export type RequestStats = z.infer<typeof RequestStats>;

export const ServiceStats = ProcessUsage.extend({
  name: z.string(),
  instances: z.array(InstanceStats),
  requests: RequestStats.nullable(),
});
export type ServiceStats = z.infer<typeof ServiceStats>;

export const StatsSnapshot = z.object({
  at: z.number(),
  daemon: ProcessUsage.extend({ pid: z.number().int(), uptimeMs: z.number() }),
  services: z.array(ServiceStats),
});
export type StatsSnapshot = z.infer<typeof StatsSnapshot>;
