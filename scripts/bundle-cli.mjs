// Bundles the CLI: its entry (cli/main.ts, the `bin`) into dist/cli/main.cjs; the full program
// (cli/run-program.ts and every command it lazily imports) into dist/cli/full.js plus lazily loaded
// chunks, so `herve --help` reads a few files instead of ~100 zod modules; and the fast path
// (cli/fast-main.ts: ls, start, stop without commander or zod) into dist/cli/fast.cjs.
// tsc stays the type checker and still builds dist/ (daemon, services, and an unbundled
// dist/cli/ whose entry this bundle replaces). Run after tsc: `npm run build` (the fast path's
// reply checks are compiled from dist/protocol/).
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { compiledRepliesSource, EVERY_METHOD } from './compile-replies.mjs';

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
export const englishOnlyZodLocales = {
  name: 'english-only-zod-locales',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * cli/client/reply-checks.ts (zod) becomes reply-checks.fast.ts, which checks replies with functions
 * compiled from the same schemas (`herve:compiled-replies`) and imports the zod checks only for a
 * reply they cannot vouch for. The fast path compiles only the results it reads and leaves the zod
 * checks outside its bundle (dist/cli/reply-checks.js); the rest of the CLI compiles every result
 * and the events, so the dashboard never loads zod, and bundles the zod checks as a lazy chunk.
 * @param {{ fastPath: boolean }} build
 */
const compiledReplyChecks = ({ fastPath }) => ({
  name: 'compiled-reply-checks',
  setup(build) {
    build.onResolve({ filter: /^\.\/reply-checks\.js$/ }, (args) => {
      const zodChecks = join(dirname(args.importer), 'reply-checks.ts');
      if (!args.importer.endsWith('reply-checks.fast.ts')) return { path: join(dirname(args.importer), 'reply-checks.fast.ts') };
      return fastPath ? { path: './reply-checks.js', external: true } : { path: zodChecks };
    });
    build.onResolve({ filter: /^herve:compiled-replies$/ }, () => ({ path: 'compiled-replies', namespace: 'herve' }));
    build.onLoad({ filter: /.*/, namespace: 'herve' }, async () => {
      const { methods, Response, Event } = await import(join(root, 'dist/protocol/index.js'));
      const which = fastPath ? {} : { methods: EVERY_METHOD, event: Event };
      return { contents: compiledRepliesSource(methods, Response, which), loader: 'js' };
    });
  },
});

/** The full program's bundle, which the entry imports for every command the fast path does not take. */
const FULL_PROGRAM = './full.js';

/**
 * The entry: CommonJS, so that Node starts it without its ES module loader (the fast path never
 * needs one), importing the full program's ES module bundle only for the other commands.
 */
function bundleEntry(outdir) {
  return esbuild.build({
    absWorkingDir: root,
    entryPoints: ['cli/main.ts'],
    outfile: join(outdir, 'main.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // cli/fast-load.ts finds fast.cjs from its own file, which CommonJS knows by name.
    define: { 'import.meta.url': '__filename' },
    plugins: [
      {
        name: 'full-program-bundle',
        setup(build) {
          build.onResolve({ filter: /^\.\/run-program\.js$/ }, () => ({ path: FULL_PROGRAM, external: true }));
        },
      },
    ],
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
}

/** The fast path: one CommonJS file, so that it needs no ES module loader of its own. */
function bundleFastPath(outdir) {
  return esbuild.build({
    absWorkingDir: root,
    entryPoints: ['cli/fast-main.ts'],
    outfile: join(outdir, 'fast.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [compiledReplyChecks({ fastPath: true })],
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
  });
}

/**
 * An ES module build for Node into `outdir`, what its entries import lazily split into chunks/;
 * `options` adds the entries and what else differs. Used by the CLI's bundle and the daemon's.
 */
export function buildSplitEsm(outdir, options) {
  // Chunk names carry a content hash: drop the previous build's, or they pile up.
  rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
  return esbuild.build({
    absWorkingDir: root,
    outdir,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    ...options,
  });
}

/**
 * Bundle into `outdir` (default dist/cli): main.cjs, full.js, chunks/, reply-checks.js (zod's
 * checks, for the fast path), fast.cjs, and main.js, a one-line ES module that runs main.cjs for
 * whoever still starts `dist/cli/main.js`. Returns esbuild's metafiles of the builds, merged.
 * Ink and React stay external so that the TUI chunk loads them after it settles NODE_ENV
 * (React picks its production or development build on first import).
 */
export async function bundleCli(outdir = join(root, 'dist/cli')) {
  const result = await buildSplitEsm(outdir, {
    entryPoints: { full: 'cli/run-program.ts', 'reply-checks': 'cli/client/reply-checks.ts' },
    external: LAZY_EXTERNALS,
    jsx: 'automatic',
    banner: { js: REQUIRE_SHIM },
    plugins: [englishOnlyZodLocales, compiledReplyChecks({ fastPath: false })],
  });
  const builds = [result, await bundleEntry(outdir), await bundleFastPath(outdir)];
  chmodSync(join(outdir, 'main.cjs'), 0o755);
  writeFileSync(join(outdir, 'main.js'), "import './main.cjs';\n");
  return {
    inputs: Object.assign({}, ...builds.map((build) => build.metafile.inputs)),
    outputs: Object.assign({}, ...builds.map((build) => build.metafile.outputs)),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const metafile = await bundleCli(process.argv[2] ? resolve(process.argv[2]) : undefined);
  const outputs = Object.values(metafile.outputs);
  const kib = Math.round(outputs.reduce((sum, output) => sum + output.bytes, 0) / 1024);
  console.log(`bundled the CLI: main.cjs, full.js, fast.cjs + ${outputs.length - 3} other files (${kib} KiB)`);
}
