import type { ServiceInfo } from '../../protocol/index.js';
import type { SocketDaemonClient } from '../client/index.js';
import { cliPaths, withDaemon } from '../support/connect.js';
import { ensureDaemonUp } from '../support/daemon-up.js';
import { writeOut } from '../support/output.js';
import { packagePath } from '../support/package-root.js';
import { Progress } from '../support/progress.js';
import { applyProject, loadProject } from '../support/project.js';
import { renderServiceTable } from '../support/service-table.js';
import { waitUntilSettled, where } from '../support/settle.js';
import { stdoutStyle } from '../support/terminal.js';

/** The demo is an example project file: the first thing a new user sees is how they will use Herve. */
const DEMO_FILE = 'examples/demo/herve.yaml';

/** `npm start`: the daemon, the three demo services, then the dashboard (or the table off a terminal). */
export async function run(options: { port?: number }): Promise<number> {
  const paths = cliPaths();
  const progress = new Progress();
  const { hello, alreadyRunning } = await ensureDaemonUp(paths, options.port, progress);
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
  const result = await applyProject(client, project, { dryRun: false, reason: 'herve demo' });
  const added = result.changes.filter((change) => change.action === 'add');
  for (const { name } of added) {
    const settled = await waitUntilSettled(client, await client.call('get', { service: name }), progress);
    if (settled.status === 'running') progress.succeed(`${settled.name} running ${where(settled)}`);
    else progress.warn(`${settled.name} is ${settled.status} — see: herve logs ${settled.name}`);
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
  await writeOut(renderServiceTable(services, stats, stdoutStyle()) + lines.join('\n') + '\n');
  return 0;
}
