import { withDaemon } from '../daemon/connect.js';
import { writeJson, writeOut } from '../output/output.js';
import { renderTable } from '../output/table.js';
import type { OptionsOf } from '../program.js';

type TypesOptions = OptionsOf<'types'>;

/** The service types the daemon knows, with the options each accepts (`--opt KEY=VALUE`). */
export async function run(options: TypesOptions): Promise<number> {
  const { types } = await withDaemon((client) => client.call('types'));
  if (options.json) {
    await writeJson(types);
    return 0;
  }
  const rows = types.map((type) => {
    const accepted = Object.entries(type.options).map(([name, meaning]) => `${name}: ${meaning}`);
    return [type.name, type.description, accepted.length > 0 ? accepted.join('; ') : '–'];
  });
  await writeOut(renderTable([{ header: 'TYPE' }, { header: 'DESCRIPTION' }, { header: 'OPTIONS (--opt KEY=VALUE)' }], rows));
  return 0;
}
