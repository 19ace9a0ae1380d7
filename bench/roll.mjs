// @ts-check
// `npm run bench -- roll`: failed requests through the front door while a 2-replica service is rolled
// (`herve restart --rolling`), and the time from a source change to the new code being served with `watch:`.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureDebianTools, freePort, printTable, run, sleep, waitUntil } from './lib.mjs';
import { runWrk } from './proxy/wrk.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const herveBin = join(root, 'dist', 'cli', 'main.cjs');
const ROUNDS = Number(process.env.ROLL_ROUNDS ?? 3);
const WRK_SECONDS = 6;
const execFileAsync = promisify(execFile);

/** A node service whose answer is `version`; exits on SIGTERM once in-flight requests are done. */
const serverSource = (/** @type {string} */ version) => `import { createServer } from 'node:http';
const server = createServer((req, res) => res.end('${version}'));
server.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

async function main() {
  if (!existsSync(herveBin)) throw new Error('build first: npm run build');
  if (!ensureDebianTools(['wrk'], ['wrk'])) return;
  const tmp = mkdtempSync('/tmp/hvroll-');
  const app = join(tmp, 'app');
  const proxyPort = await freePort();
  const env = { ...process.env, HERVE_HOME: join(tmp, 'h'), NO_COLOR: '1' };
  const herve = (/** @type {string[]} */ ...args) => run(process.execPath, [herveBin, ...args], env);
  /** @type {(string | number)[][]} */
  const rows = [['measure', 'round', 'value']];
  try {
    run('mkdir', ['-p', app]);
    writeFileSync(join(app, 'server.mjs'), serverSource('v0'));
    herve('up', '--port', String(proxyPort));
    herve('register', 'command', '--name', 'web', '--replicas', '2', '--health', '/', '--cwd', app, '--', process.execPath, 'server.mjs');
    const url = `http://127.0.0.1:${proxyPort}/web/`;
    for (let round = 1; round <= ROUNDS; round++) {
      const load = runWrk(url, { seconds: WRK_SECONDS, connections: 20, cpu: 1 });
      await sleep(1000);
      const started = Date.now();
      await execFileAsync(process.execPath, [herveBin, 'restart', '--rolling', 'web'], { env });
      const rollMs = Date.now() - started;
      const result = await load;
      rows.push(['rolling restart, 2 replicas: failed requests (wrk errors + non-2xx)', round, `${result.errors} of ${Math.round(result.rps * WRK_SECONDS)}`]);
      rows.push(['rolling restart: wall time of the command', round, `${rollMs} ms`]);
    }

    // herve reload of a project file whose only change is an env value: the service is rolled.
    herve('unregister', 'web');
    const project = join(tmp, 'herve.yaml');
    const projectWith = (mode) =>
      writeFileSync(
        project,
        `services:\n  cfg:\n    command: [${process.execPath}, server.mjs]\n    cwd: ${app}\n    replicas: 2\n    health: { http: / }\n    env: { MODE: ${mode} }\n`,
      );
    projectWith('m0');
    herve('reload', '-f', project);
    const cfgUrl = `http://127.0.0.1:${proxyPort}/cfg/`;
    for (let round = 1; round <= ROUNDS; round++) {
      const load = runWrk(cfgUrl, { seconds: WRK_SECONDS, connections: 20, cpu: 1 });
      await sleep(1000);
      projectWith(`m${round}`);
      const started = Date.now();
      await execFileAsync(process.execPath, [herveBin, 'reload', '-f', project], { env });
      const reloadMs = Date.now() - started;
      const result = await load;
      rows.push([
        'reload changing env, 2 replicas: failed requests (wrk errors + non-2xx)',
        round,
        `${result.errors} of ${Math.round(result.rps * WRK_SECONDS)}`,
      ]);
      rows.push(['reload changing env: wall time of the command', round, `${reloadMs} ms`]);
    }
    herve('unregister', 'cfg');

    // watch: a source change rolls the service; time until every answer is the new version.
    const watched = join(tmp, 'watched');
    run('mkdir', ['-p', watched]);
    writeFileSync(join(watched, 'server.mjs'), serverSource('w0'));
    run(
      process.execPath,
      [herveBin, 'register', 'command', '--name', 'live', '--replicas', '2', '--health', '/', '--cwd', watched, '--', process.execPath, 'server.mjs'],
      env,
    );
    // The CLI has no --watch flag (the project file sets it): ask over the socket with the spec.
    const { SocketDaemonClient } = await import(join(root, 'dist', 'cli', 'client', 'index.js'));
    const client = await SocketDaemonClient.connect(join(tmp, 'h', 'herve.sock'), 'bench');
    const info = await client.call('get', { service: 'live' });
    await client.call('update', {
      service: 'live',
      spec: {
        type: 'command',
        command: info.command,
        args: info.args,
        cwd: info.cwd,
        replicas: 2,
        health: { path: '/' },
        watch: { paths: ['.'], debounceMs: 100 },
      },
    });
    const liveUrl = `http://127.0.0.1:${proxyPort}/live/`;
    await waitUntil(async () => herve('logs', 'live', '-n', '50').includes('watch: watching'), 10_000, 'the watcher');
    for (let round = 1; round <= ROUNDS; round++) {
      const load = runWrk(liveUrl, { seconds: WRK_SECONDS, connections: 20, cpu: 1 });
      await sleep(1000);
      const version = `w${round}`;
      const changed = Date.now();
      writeFileSync(join(watched, 'server.mjs'), serverSource(version));
      await waitUntil(
        async () => {
          const bodies = await Promise.all(
            [1, 2, 3, 4].map(() =>
              fetch(liveUrl).then(
                (response) => response.text(),
                () => '',
              ),
            ),
          );
          return bodies.every((body) => body === version);
        },
        30_000,
        `${version} served`,
      );
      const servedMs = Date.now() - changed;
      const result = await load;
      rows.push(['watch: source change to new code served', round, `${servedMs} ms`]);
      rows.push(['watch: failed requests meanwhile', round, `${result.errors} of ${Math.round(result.rps * WRK_SECONDS)}`]);
    }
    client.close();
  } finally {
    try {
      herve('down');
    } catch (error) {
      console.log(`herve down failed: ${/** @type {Error} */ (error).message}`);
    }
    rmSync(tmp, { recursive: true, force: true });
  }
  printTable(rows);
  console.log('(wrk -t1 -c20 pinned to cpu 1, 6 s per round, the roll or the change 1 s in; counts matter here, times are of a shared 2-core machine)');
}

await main();
