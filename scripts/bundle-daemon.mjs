// Bundles the daemon after tsc: its entry (daemon/main.ts) and the front door's worker entry into
// dist/daemon/main.js and dist/daemon/proxy/workers/front-door-worker.js, what they import lazily
// (the bus, the CA, tracing, HTTPS, the workers) into dist/daemon/chunks/. zod is bundled in
// (English messages only); every other package stays in node_modules, loaded where it is used.
// One file instead of ~250 modules is a smaller resident daemon: README, Performance.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSplitEsm, englishOnlyZodLocales } from './bundle-cli.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLED_PACKAGES = /^zod(\/|$)/;

/** Packages other than zod stay external: native ones cannot be bundled, and the rest load lazily. */
const packagesExternal = {
  name: 'packages-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) =>
      BUNDLED_PACKAGES.test(args.path) || args.path.startsWith('node:') ? undefined : { path: args.path, external: true },
    );
  },
};

/** Bundle into `outdir` (default dist/daemon); returns esbuild's metafile. */
export async function bundleDaemon(outdir = join(root, 'dist/daemon')) {
  const result = await buildSplitEsm(outdir, {
    entryPoints: { main: 'daemon/main.ts', 'proxy/workers/front-door-worker': 'daemon/proxy/workers/front-door-worker.ts' },
    plugins: [englishOnlyZodLocales, packagesExternal],
  });
  return result.metafile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const metafile = await bundleDaemon(process.argv[2] ? resolve(process.argv[2]) : undefined);
  const outputs = Object.values(metafile.outputs);
  const kib = Math.round(outputs.reduce((sum, output) => sum + output.bytes, 0) / 1024);
  console.log(`bundled the daemon: main.js, front-door-worker.js + ${outputs.length - 2} chunks (${kib} KiB)`);
}
