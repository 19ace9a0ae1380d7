import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The build script itself, so this checks exactly what `npm run build` ships as dist/cli/.
import { bundleCli } from '../../scripts/bundle-cli.mjs';

const root = resolve(import.meta.dirname, '../..');
const TUI_PACKAGE = /^(ink|react)(\/|$)/;

interface Graph {
  /** Source files and package modules bundled into the files loaded. */
  inputs: Set<string>;
  /** Packages left in node_modules and imported by the files loaded. */
  externals: Set<string>;
}

let outdir: string;
let metafile: Metafile;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'hv-bundle-'));
  metafile = (await bundleCli(outdir)) as Metafile;
}, 60_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The output file built for a source entry: main.cjs for cli/main.ts, a lazy chunk for each command. */
function outputFor(entry: string): string {
  const found = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === entry);
  if (!found) throw new Error(`no output has entry point ${entry}`);
  return found[0];
}

/** What loading `output` loads at once: its static imports, transitively; never an `import()`. */
function startupGraph(entry: string): Graph {
  const graph: Graph = { inputs: new Set(), externals: new Set() };
  const seen = new Set<string>();
  const visit = (output: string): void => {
    if (seen.has(output)) return;
    seen.add(output);
    const built = metafile.outputs[output];
    if (built === undefined) throw new Error(`${output} is not in the bundle's metafile`);
    for (const input of Object.keys(built.inputs)) graph.inputs.add(input);
    for (const imported of built.imports) {
      if (imported.kind !== 'import-statement' && imported.kind !== 'require-call') continue;
      if (imported.external) graph.externals.add(imported.path);
      else visit(imported.path);
    }
  };
  visit(outputFor(entry));
  return graph;
}

/** A package's path as bundled; in a worktree whose node_modules is a link, esbuild reports the link's target. */
const packagePath = (input: string): string => input.replace(/^(\.\.\/)*[^.][^/]*\/node_modules\//, 'node_modules/');
const fromPackage = (graph: Graph, name: string): boolean => [...graph.inputs].some((input) => packagePath(input).startsWith(`node_modules/${name}/`));
const tuiImports = (graph: Graph): string[] => [...graph.externals].filter((name) => TUI_PACKAGE.test(name));

describe('CLI start-up stays lean (the esbuild bundle of scripts/bundle-cli.mjs)', () => {
  it('the entry only picks a path: one CommonJS file (no ES module loader) that loads neither commander, zod, ink nor react', () => {
    const output = outputFor('cli/main.ts');
    expect(relative(outdir, resolve(root, output))).toBe('main.cjs');
    const graph = startupGraph('cli/main.ts');
    for (const name of ['commander', 'zod']) expect(fromPackage(graph, name), name).toBe(false);
    expect([...graph.externals].every((name) => name.startsWith('node:'))).toBe(true);
    // The full program, for every other command, only when imported.
    expect(metafile.outputs[output]?.imports).toContainEqual(expect.objectContaining({ path: './full.js', kind: 'dynamic-import', external: true }));
    expect(readFileSync(join(outdir, 'main.js'), 'utf8')).toBe("import './main.cjs';\n");
  });

  it('the full program (what --help and --version run) holds commander but loads neither zod, ink nor react', () => {
    expect(relative(outdir, resolve(root, outputFor('cli/run-program.ts')))).toBe('full.js');
    const graph = startupGraph('cli/run-program.ts');
    expect(fromPackage(graph, 'commander')).toBe(true);
    expect(fromPackage(graph, 'zod')).toBe(false);
    expect(tuiImports(graph)).toEqual([]);
  });

  it('the fast path (ls, start, stop) is one CommonJS file with neither commander nor zod: its reply checks are compiled', () => {
    const output = outputFor('cli/fast-main.ts');
    expect(relative(outdir, resolve(root, output))).toBe('fast.cjs');
    const graph = startupGraph('cli/fast-main.ts');
    for (const name of ['commander', 'zod']) expect(fromPackage(graph, name), name).toBe(false);
    expect([...graph.externals].every((name) => name.startsWith('node:'))).toBe(true);
    expect([...graph.inputs]).toEqual(expect.arrayContaining(['cli/client/reply-checks.fast.ts', 'herve:compiled-replies', 'cli/commands/ls.ts']));
    expect([...graph.inputs]).not.toContain('cli/client/reply-checks.ts');
    // zod's checks stay outside, for a reply the compiled ones cannot vouch for.
    expect(metafile.outputs[output]?.imports).toContainEqual(expect.objectContaining({ path: './reply-checks.js', kind: 'dynamic-import', external: true }));
    expect(relative(outdir, resolve(root, outputFor('cli/client/reply-checks.ts')))).toBe('reply-checks.js');
  });

  it('ls, start, stop, logs and register never load ink or react', () => {
    for (const command of ['ls', 'start', 'stop', 'logs', 'register']) expect(tuiImports(startupGraph(`cli/commands/${command}.ts`)), command).toEqual([]);
  });

  it('the dashboard loads no zod: replies and events pass the compiled checks, the register form loads its check on submit', () => {
    const graph = startupGraph('cli/tui/launch.tsx');
    expect(fromPackage(graph, 'zod')).toBe(false);
    expect([...graph.inputs]).toEqual(expect.arrayContaining(['cli/client/reply-checks.fast.ts', 'herve:compiled-replies', 'cli/tui/model/register-draft.ts']));
    for (const input of ['cli/client/reply-checks.ts', 'cli/tui/model/register-form.ts', 'themes/theme-schema.ts'])
      expect([...graph.inputs]).not.toContain(input);
  });

  it("keeps only zod's English locale (the others are a third of the source Node would compile)", () => {
    const locales = Object.values(metafile.outputs)
      .flatMap((output) => Object.keys(output.inputs))
      .map(packagePath)
      .filter((input) => input.startsWith('node_modules/zod/v4/locales/'));
    expect(locales.sort()).toEqual(['node_modules/zod/v4/locales/en.js', 'node_modules/zod/v4/locales/index.js']);
  });

  it('ink and react are never bundled: only the lazily imported dashboard loads them, from node_modules', () => {
    const bundledTui = Object.values(metafile.outputs)
      .flatMap((output) => Object.keys(output.inputs))
      .map(packagePath)
      .filter((input) => /^node_modules\/(ink|react)\//.test(input));
    expect(bundledTui).toEqual([]);
    expect(tuiImports(startupGraph('cli/tui/launch.tsx'))).toEqual(expect.arrayContaining(['ink', 'react']));
    for (const entry of ['cli/commands/tui.ts', 'cli/tui/run.tsx']) expect(tuiImports(startupGraph(entry)), entry).toEqual([]);
  });
});
