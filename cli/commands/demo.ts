import type { ServiceInfo } from '../../protocol/index.js';
import type { SocketDaemonClient } from '../client/index.js';
import { cliPaths, withDaemon } from '../daemon/connect.js';
import { ensureDaemonUp } from '../daemon/daemon-up.js';
import { writeOut } from '../output/output.js';
import { packagePath } from '../../platform/package-root.js';
import { Progress } from '../output/progress.js';
import { applyProject, loadProject } from '../project/project.js';
import { renderServiceTable } from '../output/service-table.js';
import { where } from '../lifecycle/settle.js';
import { stdoutStyle } from '../presentation/terminal.js';

/** The demo is an example project file: the first thing a new user sees is how they will use Herve. */
const DEMO_FILE = 'examples/demo/herve.yaml';

/** `npm start`: the daemon, the three demo services, then the dashboard (or the table off a terminal). */
export async function run(options: { port?: number }): Promise<number> {
  const paths = cliPaths();
  const progress = new Progress();
  const { hello, alreadyRunning } = await ensureDaemonUp(paths, { port: options.port }, progress);
  if (!alreadyRunning) progress.succeed(`herve daemon started (pid ${hello.pid}, HERVE_HOME ${hello.home})`);
  await withDaemon((client) => applyDemo(client, progress));
  // The dashboard needs a keyboard as well as a screen.
  if (process.stdout.isTTY && process.stdin.isTTY) {
    const tui = await import('./tui.js');
    return tui.run({});
  }
  return printSummary();
}

async function applyDemo(client: SocketDaemonClient, progress: Progress): Promise<void> {
  const project = loadProject(packagePath(DEMO_FILE));
  progress.update(`applying ${DEMO_FILE}…`);
  // The daemon answers once each added service has come to rest.
  const result = await applyProject(client, project, { dryRun: false, reason: 'herve demo' });
  const added = result.changes.filter((change) => change.action === 'add');
  for (const { name } of added) {
    const service = await client.call('get', { service: name });
    if (service.status === 'running') progress.succeed(`${service.name} running ${where(service)}`);
    else progress.warn(`${service.name} is ${service.status} — see: herve logs ${service.name}`);
  }
  progress.stop();
}

/** A URL to try for each demo service: through the proxy when it is on, else straight to the instance. */
function baseUrl(service: ServiceInfo | undefined): string | null {
  if (!service) return null;
  if (service.url) return service.url;
  const port = service.instances.find((instance) => instance.ready)?.port;
  return port ? `http://127.0.0.1:${port}/` : null;
}

async function printSummary(): Promise<number> {
  const { services, stats } = await withDaemon(async (client) => ({
    services: (await client.call('list')).services,
    stats: await client.call('stats').catch(() => null),
  }));
  const url = (name: string, path: string) => {
    const base = baseUrl(services.find((service) => service.name === name));
    return base ? `${base}${path}` : null;
  };
  const tries = [
    ['curl', url('echo', 'hello')],
    ['curl', url('static', '')],
    ['curl -N', url('sse', 'events')],
  ].flatMap(([command, target]) => (target ? [`  ${command} ${target}`] : []));
  const lines = [
    '',
    'Try:',
    ...tries,
    '  herve logs -f        follow every service',
    '  herve tui            the live dashboard',
    '  herve down           stop everything',
  ];
  await writeOut(`${renderServiceTable(services, stats, stdoutStyle())}${lines.join('\n')}\n`);
  return 0;
}
