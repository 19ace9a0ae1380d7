import { basename, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ProjectFile } from '../../protocol/index.js';
import { writeOut } from '../output/output.js';
import { importFile } from '../project/project-import.js';

/** `herve import FILE`: print the equivalent herve.yaml, saying what could not be carried over. */
export async function run(file: string): Promise<number> {
  const { services, notes } = importFile(resolve(file));
  const checked = ProjectFile.safeParse({ services });
  const header = [
    `# Imported from ${basename(file)} by herve import.`,
    ...(notes.length > 0 ? ['# Not carried over:', ...notes.map((note) => `#   - ${note}`)] : ['# Everything was carried over.']),
    ...(checked.success ? [] : [`# Check before use: ${checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`]),
  ];
  await writeOut(`${header.join('\n')}\n${stringify({ services })}`);
  if (notes.length > 0) await writeOut(`herve import: ${notes.length} thing(s) not carried over, listed at the top\n`, process.stderr);
  return 0;
}
