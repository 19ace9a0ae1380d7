// Types for the build script, so the tests that import it are type-checked (tsconfig.test.json).
import type { Metafile } from 'esbuild';

export declare const LAZY_EXTERNALS: string[];
/** Bundles cli/main.ts into `outdir` (default dist/cli) and returns esbuild's metafile. */
export declare function bundleCli(outdir?: string): Promise<Metafile>;
