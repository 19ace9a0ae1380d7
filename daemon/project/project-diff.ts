import type { FieldChange, ProjectEntry, ServiceChange, ServiceInfo } from '../../protocol/index.js';
import { HerveError } from '../shared/errors.js';
import { SPEC_FIELDS, type SpecField } from '../orchestrator/spec-changes.js';
import type { ServiceRecord } from '../registry/registry.js';

/** What a project file decides about a service (the spec fields); the rest (uuid, desired state, counters) is the daemon's. */
type Compared = Pick<ServiceRecord, SpecField>;

const UNSET = '(unset)';

function leaves(value: unknown, prefix: string, into: Map<string, string>): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) leaves(inner, `${prefix}.${key}`, into);
  } else if (value !== undefined) {
    into.set(prefix, JSON.stringify(value));
  }
  return into;
}

/** Fields that differ, old → new, nested ones by their dotted path; environment values are masked. */
export function fieldChanges(current: Compared, next: Compared): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of SPEC_FIELDS) {
    const before = leaves(current[field], field, new Map());
    const after = leaves(next[field], field, new Map());
    for (const path of new Set([...before.keys(), ...after.keys()])) {
      const from = before.get(path) ?? UNSET;
      const to = after.get(path) ?? UNSET;
      if (from === to) continue;
      const secret = field === 'env';
      changes.push({ field: path, from: secret && from !== UNSET ? '•••' : from, to: secret && to !== UNSET ? '•••' : to });
    }
  }
  return changes;
}

/**
 * What applying the file would do: each of its services added, changed or unchanged, and the services an
 * earlier apply of the same file registered that it no longer has, removed. A name taken by a service
 * registered by hand (or by another file) is refused: the file does not take over what it did not create.
 */
export function planChanges(file: string, entries: ProjectEntry[], current: ServiceInfo[], build: (entry: ProjectEntry) => ServiceRecord): ServiceChange[] {
  const byName = new Map(current.map((service) => [service.name, service]));
  const changes: ServiceChange[] = entries.map((entry) => {
    const name = entry.spec.name;
    const existing = byName.get(name);
    const next = build(entry);
    if (!existing) return { name, action: 'add', fields: [] };
    if (existing.source !== file) {
      const owner = existing.source === null ? 'registered by hand' : `from ${existing.source}`;
      throw new HerveError(
        'name_taken',
        `a service named "${name}" already exists (${owner})`,
        `unregister it first (herve unregister ${name}) or rename it in ${file}`,
      );
    }
    const fields = fieldChanges(existing, next);
    return { name, action: fields.length > 0 ? 'change' : 'unchanged', fields };
  });
  const kept = new Set(entries.map((entry) => entry.spec.name));
  const removed = current.filter((service) => service.source === file && !kept.has(service.name));
  return [...changes, ...removed.map((service): ServiceChange => ({ name: service.name, action: 'remove', fields: [] }))];
}
