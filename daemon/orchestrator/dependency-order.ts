/** What runs in depends_on order: a name and the names it depends on. */
export interface Dependent {
  readonly name: string;
  readonly dependsOn: readonly string[];
}

/**
 * Runs `step` for every item once `step` has finished for the items it waits on: its dependencies
 * (`dependenciesFirst`, for starting) or its dependents (`dependentsFirst`, for stopping). Items
 * not in the list are not waited on; a cycle (refused when a file is loaded, but possible in an old
 * registry) is broken where it closes. Resolves with each item's promise, by name.
 */
export function runInDependencyOrder<T extends Dependent>(
  items: readonly T[],
  direction: 'dependenciesFirst' | 'dependentsFirst',
  step: (item: T) => Promise<void>,
): Map<string, Promise<void>> {
  const byName = new Map(items.map((item) => [item.name, item]));
  const waitsOn = (item: T): T[] =>
    direction === 'dependenciesFirst' ? item.dependsOn.flatMap((name) => byName.get(name) ?? []) : items.filter((other) => other.dependsOn.includes(item.name));
  const runs = new Map<string, Promise<void>>();
  const visiting = new Set<string>();
  const run = (item: T): Promise<void> => {
    const known = runs.get(item.name);
    if (known) return known;
    if (visiting.has(item.name)) return Promise.resolve();
    visiting.add(item.name);
    const before = waitsOn(item).map(run);
    const done = Promise.allSettled(before).then(() => step(item));
    runs.set(item.name, done);
    return done;
  };
  for (const item of items) run(item);
  return runs;
}
