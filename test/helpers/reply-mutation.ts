import fc from 'fast-check';

/** A JSON leaf, or an empty object or array: what a random change puts in a reply. */
export const leaf = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string(), fc.constant({}), fc.constant([]));

/** One random change to a reply: where (indexes into each level's keys) and what (undefined deletes). */
export const change = fc.record({ path: fc.array(fc.nat(40), { minLength: 1, maxLength: 5 }), value: fc.option(leaf, { nil: undefined }) });

/** Replace (or delete, for undefined) the entry reached by following `path` as indexes into each level's keys. */
export function mutate(root: unknown, path: number[], replacement: unknown): void {
  let node = root as Record<string, unknown>;
  for (const [depth, step] of path.entries()) {
    if (node === null || typeof node !== 'object') return;
    const keys = Object.keys(node);
    if (keys.length === 0) return;
    const key = keys[step % keys.length] as string;
    if (depth === path.length - 1) {
      if (replacement === undefined) delete node[key];
      else node[key] = replacement;
      return;
    }
    node = node[key] as Record<string, unknown>;
  }
}
