import { useCallback, useRef, useState } from 'react';

/**
 * State whose newest value is also readable at once through a ref. Keys can arrive several
 * per chunk (a paste, fast typing), faster than React re-renders, so key handlers that read
 * the state they just changed must read the ref.
 */
export function useSyncedState<T>(initial: T): [T, (update: T | ((current: T) => T)) => void, { readonly current: T }] {
  const [value, setValue] = useState(initial);
  const ref = useRef(initial);
  const set = useCallback((update: T | ((current: T) => T)) => {
    ref.current = typeof update === 'function' ? (update as (current: T) => T)(ref.current) : update;
    setValue(ref.current);
  }, []);
  return [value, set, ref];
}
