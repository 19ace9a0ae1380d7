// Bundles the CLI (cli/main.ts and every command it lazily imports) into dist/cli/main.js plus
// lazily loaded chunks, so `herve ls` reads a few files instead of ~100 zod modules.
// tsc stays the type checker and still builds dist/ (daemon, services, and an unbundled
// dist/cli/ whose entry this bundle replaces). Run after tsc: `npm run build`.
import { chmodSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Loaded only by the dashboard's lazy chunk, from node_modules (never bundled). */
export const LAZY_EXTERNALS = ['ink', 'react', 'react/*'];

// commander is CommonJS: inside an ESM bundle its require() calls need a real require.
const REQUIRE_SHIM = "import { createRequire as __herveCreateRequire } from 'node:module'; const require = __herveCreateRequire(import.meta.url);";

/**
 * zod re-exports its ~50 error-message locales as `z.locales`; bundled, they are a third of the
 * CLI's source (~360 KiB) that Node compiles on every `herve ls` (~6 ms). herve only uses
 * English, zod's default, so `z.locales` keeps just `en`. Should zod move this file, the filter
 * matches nothing and the bundle merely keeps every locale.
 */
const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * Bundle into `outdir` (default dist/cli): main.js and chunks/. Returns esbuild's metafile.
 * Ink and React stay external so that the TUI chunk loads them after it settles NODE_ENV
 * (React picks its production or development build on first import).
 */
export async function bundleCli(outdir = join(root, 'dist/cli')) {
  // Chunk names carry a content hash: drop the previous build's, or they pile up.
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { main: 'cli/main.ts' },
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: LAZY_EXTERNALS,
    jsx: 'automatic',
    banner: { js: REQUIRE_SHIM },
    plugins: [englishOnlyZodLocales],
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
  chmodSync(join(outdir, 'main.js'), 0o755);
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const metafile = await bundleCli(process.argv[2] ? resolve(process.argv[2]) : undefined);
  const outputs = Object.values(metafile.outputs);
  const kib = Math.round(outputs.reduce((sum, output) => sum + output.bytes, 0) / 1024);
  console.log(`bundled the CLI: main.js + ${outputs.length - 1} chunks (${kib} KiB)`);
}
