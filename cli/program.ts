import { Command, InvalidArgumentError } from 'commander';
import { parseInteger, REGISTER_FIELDS, type RegisterField } from '../protocol/register-fields.js';
import { packageVersion } from '../platform/package-root.js';

type CommandModule = { run: (...args: never[]) => Promise<number> | number };

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

/** A register field's option: integers parsed strictly, pairs repeatable; ranges are the schema's to check. */
function addRegisterOption(command: Command, field: RegisterField): void {
  if (field.flag === undefined) return;
  if (field.kind === 'integer') command.option(field.flag, field.help, strictInteger);
  else if (field.kind === 'pairs') command.option(field.flag, field.help, collect);
  else command.option(field.flag, field.help);
}

/**
 * Every command is declared here (cheap), and its module is imported only when
 * it runs, so `herve ls` never loads the dashboard, the register validation, etc.
 */
export function buildProgram(outcome: Outcome): Command {
  const lazy =
    (load: () => Promise<CommandModule>) =>
    async (...args: unknown[]): Promise<void> => {
      const module = await load();
      // commander passes (...operands, options, command); our run() takes the operands and options.
      outcome.exitCode = await (module.run as (...a: unknown[]) => Promise<number> | number)(...args.slice(0, -1));
    };

  const program = new Command('herve')
    .description('Local service orchestration: run, supervise and reverse-proxy your services.')
    .version(packageVersion(), '-v, --version', 'print the herve version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError()
    .exitOverride();

  program
    .command('up')
    .description('start the herve daemon in the background (or in this terminal with --foreground)')
    .option('--foreground', 'run the daemon attached to this terminal; Ctrl-C stops it')
    .option('--port <n>', 'proxy port (default: PORT env or 5000; 0 picks a free one)', port)
    .option('--allow-host <host>', 'a Host the proxy answers for besides localhost, 127.0.0.1, [::1] and *.localhost (repeatable; also HERVE_ALLOWED_HOSTS)', collect)
    .option('-f, --file <file>', 'the project file to apply (default: herve.yaml here, if there is one)')
    .option('--watch', 'stay and apply the project file again whenever it changes')
    .action(lazy(() => import('./commands/up.js')));

  program
    .command('diff')
    .description('what applying the project file would change: added, removed, changed fields, unchanged')
    .option('-f, --file <file>', 'the project file (default: herve.yaml here)')
    .option('--json', 'print the changes as JSON')
    .action(lazy(() => import('./commands/diff.js')));

  program
    .command('reload')
    .description('apply the project file: changed services rolled, removed ones stopped, unchanged ones untouched')
    .option('-f, --file <file>', 'the project file (default: herve.yaml here)')
    .option('--dry-run', 'only show what would change (herve diff)')
    .option('--json', 'print the changes as JSON')
    .action(lazy(() => import('./commands/reload.js')));

  program
    .command('import')
    .description('print a herve.yaml equivalent to a Procfile, process-compose.yaml or PM2 ecosystem.config.js')
    .argument('<file>', 'Procfile, process-compose.yaml or ecosystem.config.js')
    .action(lazy(() => import('./commands/import.js')));

  program
    .command('init')
    .description('write herve.yaml here from the services registered now')
    .option('--force', 'overwrite an existing herve.yaml')
    .option('--stdout', 'print it instead of writing the file')
    .action(lazy(() => import('./commands/init.js')));

  program
    .command('schema')
    .description('print the JSON Schema of herve.yaml (for editors)')
    .action(lazy(() => import('./commands/schema.js')));

  program
    .command('down')
    .description('stop every service gracefully, then the daemon')
    .action(lazy(() => import('./commands/down.js')));

  program
    .command('status')
    .alias('ls')
    .description('list services: status, instances, pid, port, uptime, CPU, memory, traffic')
    .option('--json', 'print the services and stats as JSON')
    .action(lazy(() => import('./commands/ls.js')));

  const register = program
    .command('register')
    .description('register a service and start it (built-in type, or command -- program args…)')
    .argument('<type>', 'echo, static, sse, … or command')
    .argument('[command...]', 'for type command: the program and its arguments, after --');
  for (const field of REGISTER_FIELDS) addRegisterOption(register, field);
  register
    .option('--json', 'print the registered service as JSON')
    .addHelpText('after', '\nTypes and their options: herve types\n\nExamples:\n  herve register echo\n  herve register static --name site --opt root=./public\n  herve register command --name api --replicas 2 -- node server.js')
    .action(lazy(() => import('./commands/register.js')));

  program
    .command('types')
    .description('list the service types you can register, with their options')
    .option('--json', 'print them as JSON')
    .action(lazy(() => import('./commands/list-types.js')));

  // Literal import() paths, so the bundler (scripts/bundle-cli.mjs) can see and split each one.
  const lifecycle: [string, string, () => Promise<CommandModule>][] = [
    ['unregister', 'stop a service and forget it', () => import('./commands/unregister.js')],
    ['start', 'start a stopped or crashed service', () => import('./commands/start.js')],
    ['stop', 'stop a service (SIGTERM, then SIGKILL after its grace period)', () => import('./commands/stop.js')],
    ['restart', 'restart a service', () => import('./commands/restart.js')],
  ];
  for (const [name, description, load] of lifecycle) {
    const command = program
      .command(name)
      .description(description)
      .argument('<service>', 'name or uuid')
      .option('--json', 'print the service as JSON');
    if (name !== 'unregister') command.option('--no-wait', 'return without waiting for it to settle');
    if (name === 'restart') command.option('--rolling', 'zero downtime: one replica at a time, each replacement ready before the old one drains and stops');
    command.action(lazy(load));
  }

  program
    .command('logs')
    .description('show the last lines of a service (or of all), and follow them with -f')
    .argument('[service]', 'name or uuid (default: every service)')
    .option('-n, --lines <n>', 'how many past lines', wholeNumber(0), 100)
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('--grep <regex>', 'only lines matching this regular expression')
    .option('--json', 'one JSON object per line')
    .addHelpText('after', '\nFormat: HH:MM:SS.mmm name[instance] MARK text — MARK is "!" for stderr, "*" for herve\'s own notes.')
    .action(lazy(() => import('./commands/logs.js')));

  program
    .command('export')
    .description('write the registered services as Kubernetes objects, a compose.yaml or systemd units')
    .argument('<format>', 'k8s, compose or systemd')
    .option('--image <NAME=IMAGE>', 'container image of a service (repeatable; default: a placeholder)', collect)
    .option('--no-env', 'leave the services\' environment values out')
    .option('--gateway <name>', 'k8s: the Gateway the HTTPRoutes attach to', 'herve')
    .option('--domain <domain>', 'k8s: host routes are <name>.<domain>', 'localhost')
    .option('--base-port <n>', 'compose, systemd: first port handed out, one per replica', port, 8001)
    .option('--out <path>', 'write to this file (a directory for systemd) instead of stdout')
    .option('-f, --file <herve.yaml>', 'export the services this project file names, with its depends_on (default: ./herve.yaml if there is one, else every registered service)')
    .addHelpText('after', '\nExamples:\n  herve export k8s --image api=ghcr.io/me/api:1.2 > herve.k8s.yaml\n  herve export compose --out compose.yaml\n  herve export systemd --out ~/.config/systemd/user')
    .action(lazy(() => import('./commands/export.js')));

  program
    .command('tui')
    .description('open the live dashboard')
    .option('--theme <name>', 'colour theme (default, light, high-contrast, …)')
    .action(lazy(() => import('./commands/tui.js')));

  program
    .command('demo')
    .description('start the daemon and apply examples/demo/herve.yaml (echo, static, sse; what npm start runs)')
    .option('--port <n>', 'proxy port if the daemon is started (default: PORT env or 5000)', port)
    .action(lazy(() => import('./commands/demo.js')));

  return program;
}
