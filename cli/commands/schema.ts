import { projectJsonSchema } from '../../protocol/project-file.js';
import { writeJson } from '../output/output.js';

/** `herve schema`: the JSON Schema of herve.yaml, for editors. */
export async function run(): Promise<number> {
  await writeJson(projectJsonSchema());
  return 0;
}
