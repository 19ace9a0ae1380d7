// Types for the build script, so the tests that import it are type-checked (tsconfig.test.json).
import type { Metafile } from 'esbuild';

export declare const LAZY_EXTERNALS: string[];
/** Bundles the CLI (the entry main.cjs, the full program full.js, the fast path fast.cjs) into `outdir` (default dist/cli); returns the builds' metafiles, merged. */
export declare function bundleCli(outdir?: string): Promise<Metafile>;
