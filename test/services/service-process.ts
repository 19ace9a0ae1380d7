import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type Agent } from 'node:http';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');

export interface RunningService {
  child: ChildProcess;
  port: number;
  output: string[];
  /** Resolves with the exit code (or signal name) once the process is gone. */
  exited: Promise<number | string>;
}

const running = new Set<RunningService>();

export function builtScript(name: string): string {
  const script = join(REPO_ROOT, 'dist', 'services', name, 'main.js');
  if (!existsSync(script)) throw new Error(`${script} is missing — build first with: npx tsc -p .`);
  return script;
}

/** Starts a compiled program on a free port (PORT=0) and waits for its "listening on" line. */
export async function startProgram(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningService> {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const service: RunningService = { child, port: 0, output, exited };
  running.add(service);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 10 s: ${output.join('\n')}`)), 10_000);
    const onText = (chunk: Buffer): void => {
      output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      const match = /listening on http:\/\/[^\s]+:(\d+)/.exec(output.join('\n'));
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout!.on('data', onText);
    child.stderr!.on('data', onText);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening: ${output.join('\n')}`));
    });
  });
  service.port = port;
  return service;
}

export function startService(name: string, args: string[] = [], env: Record<string, string> = {}): Promise<RunningService> {
  return startProgram(builtScript(name), args, env);
}

/** Kills whatever a test left running and proves each process is gone. */
export async function killAll(): Promise<void> {
  for (const service of running) {
    if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    await service.exited;
    if (isAlive(service.child.pid!)) throw new Error(`pid ${service.child.pid} survived`);
  }
  running.clear();
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent?: Agent;
}

/** A real HTTP request with the path sent exactly as given (no URL normalisation). */
export function request(port: number, path: string, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
