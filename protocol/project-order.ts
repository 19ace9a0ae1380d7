import { z } from 'zod';
import { DependsCondition } from './project-file.js';
import { RegisterSpec, ServiceName } from './service.js';

/** One service of a project as the daemon's `apply` takes it: its spec (named) and what it waits for. */
export const ProjectEntry = z.object({
  spec: RegisterSpec.and(z.object({ name: ServiceName })),
  dependsOn: z.record(ServiceName, DependsCondition).default({}),
});
export type ProjectEntry = z.output<typeof ProjectEntry>;

/**
 * The entries with every service after what it depends on (file order otherwise kept).
 * Throws naming the cycle (`a → b → a`) if there is one.
 */
export function dependencyOrder<T extends { spec: { name: string }; dependsOn: Record<string, unknown> }>(entries: T[]): T[] {
  const byName = new Map(entries.map((entry) => [entry.spec.name, entry]));
  const ordered: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (entry: T, trail: string[]): void => {
    const name = entry.spec.name;
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      throw new Error(`depends_on has a cycle: ${cycle.join(' → ')}`);
    }
    state.set(name, 'visiting');
    for (const dependency of Object.keys(entry.dependsOn)) {
      const next = byName.get(dependency);
      if (next) visit(next, [...trail, name]);
    }
    state.set(name, 'done');
    ordered.push(entry);
  };
  for (const entry of entries) visit(entry, []);
  return ordered;
}
