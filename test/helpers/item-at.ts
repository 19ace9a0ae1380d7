/**
 * The element at `index` (negative counts from the end), or a failure saying what was missing:
 * a test that indexes a list it expects to be long enough says so instead of reading undefined.
 */
export function itemAt<T>(items: ArrayLike<T> | undefined, index: number): T {
  const length = items?.length ?? 0;
  const position = index < 0 ? length + index : index;
  if (items === undefined || position < 0 || position >= length) {
    throw new Error(`expected an element at index ${index}, but the list has ${length}`);
  }
  return items[position] as T;
}

type Tuple<T, N extends number, Built extends T[] = []> = Built['length'] extends N ? Built : Tuple<T, N, [T, ...Built]>;

/** The first `count` elements, to destructure, or a failure when there are fewer. */
export function firstItems<T, N extends number>(items: readonly T[], count: N): Tuple<T, N> {
  if (items.length < count) throw new Error(`expected at least ${count} elements, but the list has ${items.length}`);
  return items.slice(0, count) as Tuple<T, N>;
}
