import type { StatsSnapshot } from '../../protocol/index.js';
import { readFromDaemon } from '../daemon/connect.js';
import { writeJson, writeOut } from '../output/output.js';
import { renderServiceTable } from '../output/service-table.js';
import { stdoutStyle } from '../presentation/terminal.js';
import type { OptionsOf } from '../program.js';

type LsOptions = OptionsOf<'status'>;

export async function run(options: LsOptions): Promise<number> {
  const { services, stats } = await readFromDaemon(async (client) => {
    const [list, snapshot] = await Promise.all([
      client.call('list'),
      // The table still makes sense without CPU/MEM figures.
      client.call('stats').catch((): StatsSnapshot | null => null),
    ]);
    return { services: list.services, stats: snapshot };
  });
  if (options.json) {
    await writeJson({ services, stats });
    return 0;
  }
  if (services.length === 0) {
    await writeOut('no services yet — register one with: herve register echo\n');
    return 0;
  }
  await writeOut(renderServiceTable(services, stats, stdoutStyle()));
  return 0;
}
