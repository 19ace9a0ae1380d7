import type { ServiceRecord } from '../registry/registry.js';

/** The parts of a stored service that make up its spec, in the order changes are reported. */
export const SPEC_FIELDS = ['type', 'command', 'args', 'cwd', 'env', 'options', 'health', 'port', 'replicas', 'route', 'restart', 'stop', 'watch', 'description'] as const;
export type SpecField = (typeof SPEC_FIELDS)[number];

/** A change to one of these means the running instances run the wrong thing: they must be replaced. */
const NEEDS_NEW_INSTANCES: ReadonlySet<SpecField> = new Set(['type', 'command', 'args', 'cwd', 'env', 'options', 'health', 'port']);

/** The spec fields that differ between two records. */
export function changedFields(current: ServiceRecord, next: ServiceRecord): SpecField[] {
  return SPEC_FIELDS.filter((field) => stableJson(current[field]) !== stableJson(next[field]));
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` compare equal. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

export function needsRoll(changed: readonly SpecField[]): boolean {
  return changed.some((field) => NEEDS_NEW_INSTANCES.has(field));
}
