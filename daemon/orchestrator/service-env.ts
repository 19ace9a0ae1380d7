/**
 * Herve's own credentials and settings: read by the daemon, never handed to a service.
 * Every `HERVE_*` variable is Herve's; the ones a service gets on purpose are set by
 * `serviceEnvironment` after the filter. `OTEL_EXPORTER_OTLP_*` tells where the front door's
 * spans go (its headers may hold a collector's token); a service that exports its own spans
 * declares them in its env.
 */
const DAEMON_ONLY = new Set(['AUTH_ADMIN_ID', 'AUTH_ADMIN_SECRET']);
const DAEMON_PREFIXES = ['HERVE_', 'OTEL_EXPORTER_OTLP_'];

export function isDaemonOnlyVariable(name: string): boolean {
  return DAEMON_ONLY.has(name) || DAEMON_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** What Herve tells every instance about itself. */
export interface InstanceFacts {
  port: number;
  service: string;
  instance: number;
}

/**
 * The whole environment of a service's process: the daemon's environment minus Herve's
 * own secrets and settings, then what the service declares, then PORT, HERVE_SERVICE
 * and HERVE_INSTANCE.
 */
export function serviceEnvironment(daemonEnv: NodeJS.ProcessEnv, declared: Record<string, string>, facts: InstanceFacts): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(daemonEnv)) {
    if (value !== undefined && !isDaemonOnlyVariable(name)) env[name] = value;
  }
  return {
    ...env,
    ...declared,
    PORT: String(facts.port),
    HERVE_SERVICE: facts.service,
    HERVE_INSTANCE: String(facts.instance),
  };
}
