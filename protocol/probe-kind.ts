import type { HealthSpec } from './service.js';

// Kept apart from the zod schemas so that the dashboard can describe a probe without loading zod.

export type ProbeKind = 'exec' | 'tcp' | 'http' | 'none';

/** Which probe a health spec asks for: `exec` over `tcp` over the HTTP `path`; none without any. */
export function probeKind(health: Pick<HealthSpec, 'path' | 'tcp' | 'exec'>): ProbeKind {
  if (health.exec !== null) return 'exec';
  if (health.tcp) return 'tcp';
  return health.path === null ? 'none' : 'http';
}

/** One line saying how an instance is probed, for logs, errors and the dashboard. */
export function describeProbe(health: HealthSpec): string {
  switch (probeKind(health)) {
    case 'exec':
      return `exec ${health.exec!.join(' ')}`;
    case 'tcp':
      return 'tcp connect';
    case 'http':
      return `GET ${health.path}`;
    case 'none':
      return 'no probe';
  }
}
