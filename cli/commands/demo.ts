import type { RegisterInput, ServiceInfo } from '../../protocol/index.js';
import type { SocketDaemonClient } from '../client/index.js';
import { cliPaths, withDaemon } from '../support/connect.js';
import { ensureDaemonUp } from '../support/daemon-up.js';
import { writeOut } from '../support/output.js';
import { Progress } from '../support/progress.js';
import { renderServiceTable } from '../support/service-table.js';
import { where } from '../support/settle.js';
import { stdoutStyle } from '../presentation/terminal.js';

const DEMO_SERVICES: (RegisterInput & { name: string })[] = [
  { type: 'echo', name: 'echo' },
  { type: 'static', name: 'static' },
  { type: 'sse', name: 'sse' },
];

/** `npm start`: the daemon, the three demo services, then the dashboard (or the table off a terminal). */
export async function run(options: { port?: number }): Promise<number> {
  const paths = cliPaths();
  const progress = new Progress();
  const { hello, alreadyRunning } = await ensureDaemonUp(paths, { port: options.port }, progress);
  if (!alreadyRunning) progress.succeed(`herve daemon started (pid ${hello.pid}, HERVE_HOME ${hello.home})`);
  await withDaemon((client) => registerMissing(client, progress));
  // The dashboard needs a keyboard as well as a screen.
  if (process.stdout.isTTY && process.stdin.isTTY) {
    const tui = await import('./tui.js');
    return tui.run({});
  }
  return printSummary();
}

async function registerMissing(client: SocketDaemonClient, progress: Progress): Promise<void> {
  const { services } = await client.call('list');
  const existing = new Set(services.map((service) => service.name));
  const missing = DEMO_SERVICES.filter((candidate) => !existing.has(candidate.name));
  if (missing.length === 0) return;
  progress.update(`registering and starting ${missing.map((spec) => spec.name).join(', ')}…`);
  // The daemon answers each once it has come to rest: started side by side, reported in order.
  const registered = await Promise.all(missing.map((spec) => client.call('register', spec)));
  for (const service of registered) {
    if (service.outcome === 'running') progress.succeed(`${service.name} running ${where(service)}`);
    else progress.warn(`${service.name} is ${service.outcome === 'pending' ? 'still starting' : service.outcome} — see: herve logs ${service.name}`);
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
