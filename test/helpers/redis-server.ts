/**
 * A real redis-server for the bus tests, on a free port of 127.0.0.1, persistence off.
 *
 *   const redis = await startRedis({ password: 'pw' });   // redis.url = redis://:pw@127.0.0.1:PORT
 *   await redis.kill();  await redis.start();             // restart on the same port
 *
 * Fails (never skips) without redis-server. Every test stops what it started: `stopAllRedis()` after each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { requireTool } from './required-tool.js';
import { assertProcessGone } from './daemon.js';

export interface TestRedis {
  port: number;
  /** redis://[:password@]127.0.0.1:port */
  url: string;
  pid(): number | undefined;
  /** SIGKILL it and wait until it is gone. */
  kill(): Promise<void>;
  /** Start it (again) on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
}

const started: TestRedis[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function launch(port: number, password: string | undefined): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    ...(password ? ['--requirepass', password] : []),
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not get ready on port ${port} within 15 s:\n${output}`));
    }, 15_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`));
    });
  });
}

/** `running: false` only reserves the port: start() it later. */
export async function startRedis(options: { password?: string; running?: boolean } = {}): Promise<TestRedis> {
  requireTool('redis-server');
  const port = await freePort();
  let child: ChildProcess | undefined;
  const redis: TestRedis = {
    port,
    url: `redis://${options.password ? `:${options.password}@` : ''}127.0.0.1:${port}`,
    pid: () => child?.pid,
    async kill() {
      if (!child?.pid) return;
      const pid = child.pid;
      child.kill('SIGKILL');
      child = undefined;
      await assertProcessGone(pid);
    },
    async start() {
      child = await launch(port, options.password);
    },
  };
  started.push(redis);
  if (options.running ?? true) await redis.start();
  return redis;
}

/** Kill every redis-server started since the last call, and prove them gone. */
export async function stopAllRedis(): Promise<void> {
  for (const redis of started.splice(0)) await redis.kill();
}
