import type { z } from 'zod';
import { requestFilter, SlowFilter, StatusFilter, type ParamsInput, type RequestRecord } from '../../protocol/index.js';
import { type SocketDaemonClient, UserError, usageError } from '../client/index.js';
import { withDaemon } from '../daemon/connect.js';
import { LineBatcher, untilInterruptedOrClosed } from '../logs/log-follow.js';
import { writeOut } from '../output/output.js';
import { requestHeader, requestRows } from '../output/request-rows.js';
import { stdoutStyle } from '../presentation/terminal.js';

export interface RequestsOptions {
  lines?: number;
  follow?: boolean;
  status?: string;
  slow?: string;
  json?: boolean;
}

type Format = (records: RequestRecord[]) => string;

/** A flag checked by its protocol schema, so the CLI refuses what the socket would, before connecting. */
function checked<T>(schema: z.ZodType<T, string>, value: string | undefined, flag: string, example: string): T | undefined {
  if (value === undefined) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw usageError(`${flag} ${JSON.stringify(value)}: ${parsed.error.issues[0]?.message ?? 'invalid value'}`, `for example: herve requests ${flag} ${example}`);
}

export async function run(ref: string | undefined, options: RequestsOptions): Promise<number> {
  const status = checked(StatusFilter, options.status, '--status', '5xx');
  const slowMs = checked(SlowFilter, options.slow, '--slow', '200ms');
  const style = stdoutStyle();
  const format: Format = options.json ? (records) => records.map((record) => `${JSON.stringify(record)}\n`).join('') : (records) => requestRows(records, style);
  const header = options.json ? '' : requestHeader(style);
  return withDaemon(async (client) => {
    const name = ref === undefined ? undefined : (await client.call('get', { service: ref })).name;
    const query: ParamsInput<'requests'> = { service: name, lines: options.lines ?? 20, status, slowMs };
    if (!options.follow) {
      const { requests } = await client.call('requests', query);
      await writeOut(requests.length === 0 && !options.json ? 'no requests yet\n' : header + format(requests));
      return 0;
    }
    return follow(client, query, name, header, format);
  });
}

const keyOf = (record: RequestRecord): string => `${record.at}\u0000${record.requestId}`;

async function follow(client: SocketDaemonClient, query: ParamsInput<'requests'>, name: string | undefined, header: string, format: Format): Promise<number> {
  const accept = requestFilter(query.status, query.slowMs);
  const early: RequestRecord[] = [];
  let live: ((record: RequestRecord) => void) | null = null;
  let lagged: string | null = null;
  client.onEvent((event) => {
    if (event.event === 'lagged') lagged = event.data.message;
    if (event.event !== 'request' || !accept(event.data)) return;
    if (live) live(event.data);
    else early.push(event.data);
  });
  // Subscribing first means nothing falls between the history and the live requests.
  await client.subscribe([name === undefined ? 'requests' : `requests:${name}`]);
  const { requests: history } = await client.call('requests', query);
  const seen = new Set(history.map(keyOf));
  const batcher = new LineBatcher((text) => process.stdout.write(text));
  batcher.push(header + format([...history, ...early.filter((record) => !seen.has(keyOf(record)))]));
  live = (record) => batcher.push(format([record]));
  const why = await untilInterruptedOrClosed(client);
  batcher.flush();
  const again = `herve requests${name === undefined ? '' : ` ${name}`}`;
  if (why === 'closed' && lagged !== null)
    throw new UserError(
      `stopped following: the daemon dropped this client because it read too slowly — ${lagged}`,
      `read what was missed with: ${again} -n 1000, or narrow it: ${again} -f --status 5xx`,
    );
  if (why === 'closed') throw new UserError('the herve daemon stopped; no more requests to follow', 'start it again with: herve up');
  return 0;
}
