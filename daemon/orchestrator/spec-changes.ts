import type { ServiceRecord } from '../registry/registry.js';

/** The parts of a stored service that make up its spec, in the order changes are reported. */
export const SPEC_FIELDS = [
  'type',
  'command',
  'args',
  'cwd',
  'env',
  'options',
  'health',
  'port',
  'replicas',
  'route',
  'restart',
  'stop',
  'watch',
  'description',
  'dependsOn',
] as const;
export type SpecField = (typeof SPEC_FIELDS)[number];

/** A spec field, or `health.passive`: the passive-health thresholds, read live, so they replace no instance. */
export type SpecChange = SpecField | 'health.passive';

/** A change to one of these means the running instances run the wrong thing: they must be replaced. */
const NEEDS_NEW_INSTANCES: ReadonlySet<SpecChange> = new Set(['type', 'command', 'args', 'cwd', 'env', 'options', 'health', 'port']);

/** The spec fields that differ between two records (`health` for its probe, `health.passive` apart). */
export function changedFields(current: ServiceRecord, next: ServiceRecord): SpecChange[] {
  const changed: SpecChange[] = [];
  for (const field of SPEC_FIELDS) {
    if (field !== 'health') {
      if (stableJson(current[field]) !== stableJson(next[field])) changed.push(field);
      continue;
    }
    const { passive: passiveBefore, ...probeBefore } = current.health;
    const { passive: passiveAfter, ...probeAfter } = next.health;
    if (stableJson(probeBefore) !== stableJson(probeAfter)) changed.push('health');
    if (stableJson(passiveBefore) !== stableJson(passiveAfter)) changed.push('health.passive');
  }
  return changed;
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` compare equal. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

export function needsRoll(changed: readonly SpecChange[]): boolean {
  return changed.some((field) => NEEDS_NEW_INSTANCES.has(field));
}
