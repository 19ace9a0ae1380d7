// Types for the build script, so the tests that import it are type-checked (tsconfig.test.json).

/** Methods whose results the fast path reads. */
export declare const FAST_METHODS: string[];
/** An ES module of functions that parse these results as the zod schemas do, or give up (undefined). */
export declare function compiledRepliesSource(methods: Record<string, { result: unknown }>, response: unknown): string;
