// Types for the build script, so the tests that import it are type-checked (tsconfig.test.json).

/** Methods whose results the fast path reads. */
export declare const FAST_METHODS: string[];
/** Compile every method's result, not only the fast path's. */
export declare const EVERY_METHOD: 'every method';
/** An ES module of functions that parse these results (and events, given their schema) as the zod schemas do, or give up (undefined). */
export declare function compiledRepliesSource(
  methods: Record<string, { result: unknown }>,
  response: unknown,
  which?: { methods?: string[] | typeof EVERY_METHOD; event?: unknown },
): string;
