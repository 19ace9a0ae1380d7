// Types for the build script, so the tests that import it are type-checked (tsconfig.test.json).
import type { Metafile } from 'esbuild';

export declare const LAZY_EXTERNALS: string[];
/** Bundles cli/main.ts and the fast path (cli/fast-main.ts) into `outdir` (default dist/cli); returns both builds' metafiles, merged. */
export declare function bundleCli(outdir?: string): Promise<Metafile>;
