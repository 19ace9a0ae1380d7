import type { RegisterInput, ServiceInfo } from '../../protocol/index.js';
import type { SocketDaemonClient } from '../client/index.js';
import { cliPaths, withDaemon } from '../support/connect.js';
import { ensureDaemonUp, proxyUrl } from '../support/daemon-up.js';
import { writeOut } from '../support/output.js';
import { Progress } from '../support/progress.js';
import { renderServiceTable } from '../support/service-table.js';
import { waitUntilSettled } from '../support/settle.js';
import { stdoutStyle } from '../support/terminal.js';

const DEMO_SERVICES: RegisterInput[] = [
  { type: 'echo', name: 'echo' },
  { type: 'static', name: 'static' },
  { type: 'sse', name: 'sse' },
];

/** `npm start`: the daemon, the three demo services, then the dashboard (or the table off a terminal). */
export async function run(): Promise<number> {
  const paths = cliPaths();
  const progress = new Progress();
  const { hello, alreadyRunning } = await ensureDaemonUp(paths, undefined, progress);
  if (!alreadyRunning) progress.succeed(`herve daemon started (pid ${hello.pid}, HERVE_HOME ${hello.home})`);
  await withDaemon((client) => registerMissing(client, progress));
  if (process.stdout.isTTY) {
    const tui = await import('./tui.js');
    return tui.run({});
  }
  return printSummary(proxyUrl(hello));
}

async function registerMissing(client: SocketDaemonClient, progress: Progress): Promise<void> {
  const { services } = await client.call('list');
  const existing = new Set(services.map((service) => service.name));
  const registered: ServiceInfo[] = [];
  for (const spec of DEMO_SERVICES.filter((candidate) => !existing.has(candidate.name as string))) {
    progress.update(`registering ${spec.name}…`);
    registered.push(await client.call('register', spec));
  }
  for (const service of registered) {
    const settled = await waitUntilSettled(client, service, progress);
    if (settled.status === 'running') progress.succeed(`${settled.name} running${settled.url ? ` on ${settled.url}` : ''}`);
    else progress.warn(`${settled.name} is ${settled.status} — see: herve logs ${settled.name}`);
  }
  progress.stop();
}

async function printSummary(proxy: string | null): Promise<number> {
  const { services, stats } = await withDaemon(async (client) => ({
    services: (await client.call('list')).services,
    stats: await client.call('stats').catch(() => null),
  }));
  const base = proxy ?? 'http://localhost:5000/';
  const tryLines = [
    '',
    'Try:',
    `  curl ${base}echo/hello`,
    `  curl ${base}static/`,
    `  curl -N ${base}sse/`,
    '  herve logs -f        follow every service',
    '  herve tui            the live dashboard',
    '  herve down           stop everything',
  ];
  await writeOut(renderServiceTable(services, stats, stdoutStyle()) + tryLines.join('\n') + '\n');
  return 0;
}
