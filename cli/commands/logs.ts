import type { LogLine, ParamsInput } from '../../protocol/index.js';
import { type SocketDaemonClient, UserError, usageError } from '../client/index.js';
import { readFromDaemon, withDaemon } from '../daemon/connect.js';
import { formatLogLines } from '../logs/log-format.js';
import { LineBatcher, linesAfterHistory, untilInterruptedOrClosed } from '../logs/log-follow.js';
import { writeOut } from '../output/output.js';
import { stdoutStyle, type Style } from '../presentation/terminal.js';
import type { OptionsOf } from '../program.js';

type LogsOptions = OptionsOf<'logs'>;

function compileGrep(source: string | undefined): RegExp | null {
  if (source === undefined) return null;
  try {
    return new RegExp(source);
  } catch (error) {
    throw usageError(`--grep: ${(error as Error).message}`, 'quote the pattern, e.g. --grep "GET /api"', { cause: error });
  }
}

function formatter(options: LogsOptions, style: Style): (lines: LogLine[]) => string {
  if (options.json) return (lines) => lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  return (lines) => formatLogLines(lines, style);
}

export async function run(ref: string | undefined, options: LogsOptions): Promise<number> {
  const grep = compileGrep(options.grep);
  const format = formatter(options, stdoutStyle());
  if (!options.follow) {
    // The daemon takes a name or a uuid: a read, sent with hello.
    const past = await readFromDaemon((client) => client.call('logs', { service: ref, lines: options.lines, grep: options.grep }));
    await writeOut(format(past.lines));
    return 0;
  }
  return withDaemon(async (client) => {
    // Topics name services by name, so a uuid is turned into the name first.
    const name = ref === undefined ? undefined : (await client.call('get', { service: ref })).name;
    return follow(client, { service: name, lines: options.lines, grep: options.grep }, name, grep, format);
  });
}

async function follow(
  client: SocketDaemonClient,
  query: ParamsInput<'logs'>,
  name: string | undefined,
  grep: RegExp | null,
  format: (lines: LogLine[]) => string,
): Promise<number> {
  const arrivedEarly: LogLine[] = [];
  let live: ((line: LogLine) => void) | null = null;
  let lagged: string | null = null;
  client.onEvent((event) => {
    if (event.event === 'lagged') lagged = event.data.message;
    if (event.event !== 'log' || (grep && !grep.test(event.data.line))) return;
    if (live) live(event.data);
    else arrivedEarly.push(event.data);
  });
  await client.subscribe([name === undefined ? 'logs' : `logs:${name}`]);
  const { lines: history } = await client.call('logs', query);
  const batcher = new LineBatcher((text) => process.stdout.write(text));
  batcher.push(format([...history, ...linesAfterHistory(history, arrivedEarly)]));
  live = (line) => batcher.push(format([line]));
  const why = await untilInterruptedOrClosed(client);
  batcher.flush();
  if (why === 'closed' && lagged !== null) {
    const again = `herve logs${name === undefined ? '' : ` ${name}`}`;
    throw new UserError(
      `stopped following: the daemon dropped this client because it read too slowly — ${lagged}`,
      `read what was missed with: ${again} -n 10000, or follow again with --grep to see less: ${again} -f`,
    );
  }
  if (why === 'closed') throw new UserError('the herve daemon stopped; no more logs to follow', 'start it again with: herve up');
  return 0;
}
