import { Command, InvalidArgumentError, type OptionValues } from '@commander-js/extra-typings';
import { parseInteger, REGISTER_FIELDS, type RegisterFlagValues } from '../protocol/register-fields.js';
import { DEFAULT_LOG_LINES } from '../protocol/constants.js';
import { packageVersion } from '../platform/package-root.js';

/** The exit code the chosen command asked for. */
export interface Outcome {
  exitCode: number;
}

function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `expected a whole number ≥ ${min}` : `expected a whole number from ${min} to ${max}`);
    }
    return parsed;
  };
}

const port = wholeNumber(0, 65_535);

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function strictInteger(value: string): number {
  const parsed = parseInteger(value);
  if (typeof parsed === 'string') throw new InvalidArgumentError('expected a whole number');
  return parsed;
}

/**
 * The register fields' options: integers parsed strictly, pairs repeatable; ranges are the schema's
 * to check. Declared from the table in a loop, so their type is the table's (`RegisterFlagValues`).
 */
function withRegisterOptions<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>): Command<Args, Opts & RegisterFlagValues> {
  for (const field of REGISTER_FIELDS) {
    if (field.flag === undefined) continue;
    if (field.kind === 'integer') command.option(field.flag, field.help, strictInteger);
    else if (field.kind === 'pairs') command.option(field.flag, field.help, collect);
    else command.option(field.flag, field.help);
  }
  return command as unknown as Command<Args, Opts & RegisterFlagValues>;
}

/** A lifecycle command: `<service>`, and `--json`. */
function lifecycleCommand(program: Command, name: string, description: string) {
  return program.command(name).description(description).argument('<service>', 'name or uuid').option('--json', 'print the service as JSON');
}

/** `--no-wait`, for start, stop and restart. */
function withNoWait<Args extends unknown[], Opts extends OptionValues>(command: Command<Args, Opts>) {
  return command.option('--no-wait', 'return without waiting for it to settle');
}

/** Each command's arguments and options, declared once: `run` in cli/commands/ takes what these give. */
const DECLARATIONS = {
  up: (program: Command) =>
    program
      .command('up')
      .description('start the herve daemon in the background (or in this terminal with --foreground)')
      .option('--foreground', 'run the daemon attached to this terminal; Ctrl-C stops it')
      .option('--port <n>', 'proxy port (default: PORT env or 5000; 0 picks a free one)', port)
      .option(
        '--allow-host <host>',
        'a Host the proxy answers for besides localhost, 127.0.0.1, [::1] and *.localhost (repeatable; also HERVE_ALLOWED_HOSTS)',
        collect,
      )
      .option('--bus <url>', 'a Redis bus services on other machines join over: redis://[:PASSWORD@]HOST:PORT (also HERVE_BUS)')
      .option('--https', 'serve the proxy over HTTPS too (HTTP/2 and HTTP/1.1), with a certificate from a local CA in HERVE_HOME/ca (see herve ca)')
      .option('--https-port <n>', 'HTTPS port (default: HERVE_HTTPS_PORT env or 5443; 0 picks a free one); implies --https', port)
      .option('--workers <n>', 'processes serving the front door: the daemon and N - 1 workers sharing its port (default 1; also workers: in herve.yaml)')
      .option('-f, --file <file>', 'the project file to apply (default: herve.yaml here, if there is one)')
      .option('--watch', 'stay and apply the project file again whenever it changes'),
  ca: (program: Command) =>
    program
      .command('ca')
      .description('the local certificate authority of herve up --https: where its certificate is, and how to trust it')
      .option('--json', 'print the paths and the trust commands as JSON'),
  diff: (program: Command) =>
    program
      .command('diff')
      .description('what applying the project file would change: added, removed, changed fields, unchanged')
      .option('-f, --file <file>', 'the project file (default: herve.yaml here)')
      .option('--json', 'print the changes as JSON'),
  reload: (program: Command) =>
    program
      .command('reload')
      .description('apply the project file: changed services rolled, removed ones stopped, unchanged ones untouched')
      .option('-f, --file <file>', 'the project file (default: herve.yaml here)')
      .option('--dry-run', 'only show what would change (herve diff)')
      .option('--json', 'print the changes as JSON'),
  import: (program: Command) =>
    program
      .command('import')
      .description('print a herve.yaml equivalent to a Procfile, process-compose.yaml or PM2 ecosystem.config.js')
      .argument('<file>', 'Procfile, process-compose.yaml or ecosystem.config.js'),
  init: (program: Command) =>
    program
      .command('init')
      .description('write herve.yaml here from the services registered now')
      .option('--force', 'overwrite an existing herve.yaml')
      .option('--stdout', 'print it instead of writing the file'),
  schema: (program: Command) => program.command('schema').description('print the JSON Schema of herve.yaml (for editors)'),
  down: (program: Command) => program.command('down').description('stop every service gracefully, then the daemon'),
  status: (program: Command) =>
    program
      .command('status')
      .alias('ls')
      .description('list services: status, instances, pid, port, uptime, CPU, memory, traffic')
      .option('--json', 'print the services and stats as JSON'),
  register: (program: Command) =>
    withRegisterOptions(
      program
        .command('register')
        .description('register a service and start it (built-in type, or command -- program args…)')
        .argument('<type>', 'echo, static, sse, … or command')
        .argument('[command...]', 'for type command: the program and its arguments, after --'),
    )
      .option('--json', 'print the registered service as JSON')
      .addHelpText(
        'after',
        '\nTypes and their options: herve types\n\nExamples:\n  herve register echo\n  herve register static --name site --opt root=./public\n  herve register command --name api --replicas 2 -- node server.js',
      ),
  types: (program: Command) =>
    program.command('types').description('list the service types you can register, with their options').option('--json', 'print them as JSON'),
  unregister: (program: Command) => lifecycleCommand(program, 'unregister', 'stop a service and forget it'),
  start: (program: Command) => withNoWait(lifecycleCommand(program, 'start', 'start a stopped or crashed service')),
  stop: (program: Command) => withNoWait(lifecycleCommand(program, 'stop', 'stop a service (SIGTERM, then SIGKILL after its grace period)')),
  restart: (program: Command) =>
    withNoWait(lifecycleCommand(program, 'restart', 'restart a service')).option(
      '--rolling',
      'zero downtime: one replica at a time, each replacement ready before the old one drains and stops',
    ),
  logs: (program: Command) =>
    program
      .command('logs')
      .description('show the last lines of a service (or of all), and follow them with -f')
      .argument('[service]', 'name or uuid (default: every service)')
      .option('-n, --lines <n>', 'how many past lines', wholeNumber(0), DEFAULT_LOG_LINES)
      .option('-f, --follow', 'keep printing new lines until Ctrl-C')
      .option('--grep <regex>', 'only lines matching this regular expression')
      .option('--json', 'one JSON object per line')
      .addHelpText('after', '\nFormat: HH:MM:SS.mmm name[instance] MARK text — MARK is "!" for stderr, "*" for herve\'s own notes.'),
  requests: (program: Command) =>
    program
      .command('requests')
      .description('show the last requests the proxy forwarded (access log), and follow them with -f')
      .argument('[service]', 'name or uuid (default: every service)')
      .option('-n, --lines <n>', 'how many past requests', wholeNumber(0), 20)
      .option('-f, --follow', 'keep printing new requests until Ctrl-C')
      .option('--status <filter>', 'only these statuses: a class (5xx, 4xx…) or one status (404)')
      .option('--slow <duration>', 'only requests that took at least this long (200ms, 1.5s)')
      .option('--json', 'one JSON object per request')
      .addHelpText('after', `\nEach request's full record, with its request id and trace id, is in HERVE_HOME/logs/access/<service>.log.`),
  export: (program: Command) =>
    program
      .command('export')
      .description('write the registered services as Kubernetes objects, a compose.yaml or systemd units')
      .argument('<format>', 'k8s, compose or systemd')
      .option('--image <NAME=IMAGE>', 'container image of a service (repeatable; default: a placeholder)', collect)
      .option('--no-env', "leave the services' environment values out")
      .option('--gateway <name>', 'k8s: the Gateway the HTTPRoutes attach to', 'herve')
      .option('--domain <domain>', 'k8s: host routes are <name>.<domain>', 'localhost')
      .option('--base-port <n>', 'compose, systemd: first port handed out, one per replica', port, 8001)
      .option('--out <path>', 'write to this file (a directory for systemd) instead of stdout')
      .option(
        '-f, --file <herve.yaml>',
        'export the services this project file names, with its depends_on (default: ./herve.yaml if there is one, else every registered service)',
      )
      .addHelpText(
        'after',
        '\nExamples:\n  herve export k8s --image api=ghcr.io/me/api:1.2 > herve.k8s.yaml\n  herve export compose --out compose.yaml\n  herve export systemd --out ~/.config/systemd/user',
      ),
  tui: (program: Command) =>
    program.command('tui').description('open the live dashboard').option('--theme <name>', 'colour theme (default, light, high-contrast, …)'),
  demo: (program: Command) =>
    program
      .command('demo')
      .description('start the daemon and apply examples/demo/herve.yaml (echo, static, sse; what npm start runs)')
      .option('--port <n>', 'proxy port if the daemon is started (default: PORT env or 5000)', port),
};

type Declared<Name extends keyof typeof DECLARATIONS> = ReturnType<(typeof DECLARATIONS)[Name]>;

/** The options commander gives a command's `run`, as declared above. */
export type OptionsOf<Name extends keyof typeof DECLARATIONS> = ReturnType<Declared<Name>['opts']>;

/** What a command's module offers: `run(...operands, options)`, returning the exit code. */
type CommandModule<Args extends unknown[], Opts> = { run: (...args: [...Args, Opts]) => Promise<number> | number };

/**
 * Every command is declared here (cheap), and its module is imported only when
 * it runs, so `herve ls` never loads the dashboard, the register validation, etc.
 */
export function buildProgram(outcome: Outcome): Command {
  const lazy = <Args extends unknown[], Opts extends OptionValues>(
    command: Command<Args, Opts>,
    load: NoInfer<() => Promise<CommandModule<Args, Opts>>>,
  ): void => {
    command.action(async () => {
      const module = await load();
      outcome.exitCode = await module.run(...command.processedArgs, command.opts());
    });
  };

  const program = new Command('herve')
    .description('Local service orchestration: run, supervise and reverse-proxy your services.')
    .version(packageVersion(), '-v, --version', 'print the herve version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError()
    .exitOverride();

  // Literal import() paths, so the bundler (scripts/bundle-cli.mjs) can see and split each one.
  lazy(DECLARATIONS.up(program), () => import('./commands/up.js'));
  lazy(DECLARATIONS.ca(program), () => import('./commands/ca.js'));
  lazy(DECLARATIONS.diff(program), () => import('./commands/diff.js'));
  lazy(DECLARATIONS.reload(program), () => import('./commands/reload.js'));
  lazy(DECLARATIONS.import(program), () => import('./commands/import.js'));
  lazy(DECLARATIONS.init(program), () => import('./commands/init.js'));
  lazy(DECLARATIONS.schema(program), () => import('./commands/schema.js'));
  lazy(DECLARATIONS.down(program), () => import('./commands/down.js'));
  lazy(DECLARATIONS.status(program), () => import('./commands/ls.js'));
  lazy(DECLARATIONS.register(program), () => import('./commands/register.js'));
  lazy(DECLARATIONS.types(program), () => import('./commands/list-types.js'));
  lazy(DECLARATIONS.unregister(program), () => import('./commands/unregister.js'));
  lazy(DECLARATIONS.start(program), () => import('./commands/start.js'));
  lazy(DECLARATIONS.stop(program), () => import('./commands/stop.js'));
  lazy(DECLARATIONS.restart(program), () => import('./commands/restart.js'));
  lazy(DECLARATIONS.logs(program), () => import('./commands/logs.js'));
  lazy(DECLARATIONS.requests(program), () => import('./commands/requests.js'));
  lazy(DECLARATIONS.export(program), () => import('./commands/export.js'));
  lazy(DECLARATIONS.tui(program), () => import('./commands/tui.js'));
  lazy(DECLARATIONS.demo(program), () => import('./commands/demo.js'));
  return program;
}
