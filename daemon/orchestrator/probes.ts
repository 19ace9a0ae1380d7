import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { probeKind, type HealthSpec } from '../../protocol/index.js';
import { expandCommand } from './expand-vars.js';
import { HealthProbe } from './health-probe.js';

/** One way of asking an instance whether it is healthy. */
export interface Probe {
  check(timeoutMs: number): Promise<boolean>;
  close(): void;
}

/** Where the instance runs, for the probes that need more than its port. */
export interface ProbeTarget {
  port: number;
  cwd: string | undefined;
  /** The instance's environment (what it was started with). */
  env: Record<string, string | undefined>;
}

/** The probe a health spec asks for, or undefined for none (ready once spawned). */
export function createProbe(health: HealthSpec, target: ProbeTarget): Probe | undefined {
  switch (probeKind(health)) {
    case 'exec':
      return new ExecProbe(health.exec!, target);
    case 'tcp':
      return new TcpProbe(target.port);
    case 'http':
      return new HealthProbe(target.port, health.path!);
    case 'none':
      return undefined;
  }
}

/** Healthy when a TCP connection to the port opens within the timeout (closed at once). */
export class TcpProbe implements Probe {
  constructor(private readonly port: number) {}

  check(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: this.port });
      const settle = (healthy: boolean) => {
        clearTimeout(timer);
        socket.destroy();
        resolve(healthy);
      };
      const timer = setTimeout(() => settle(false), timeoutMs);
      socket.once('connect', () => settle(true));
      socket.once('error', () => settle(false));
    });
  }

  close(): void {}
}

/**
 * Healthy when the program exits 0 within the timeout. It runs without a shell (give one, e.g.
 * `[sh, -c, …]`, when you need it), in the service's cwd and environment, `$PORT` expanded;
 * past the timeout its process group is killed.
 */
export class ExecProbe implements Probe {
  private readonly running = new Set<number>();
  private readonly program: string;
  private readonly args: readonly string[];

  constructor(
    argv: readonly string[],
    private readonly target: ProbeTarget,
  ) {
    const [program, ...args] = argv;
    if (program === undefined) throw new Error('an exec probe needs a program to run');
    this.program = program;
    this.args = args;
  }

  check(timeoutMs: number): Promise<boolean> {
    const { command, args } = expandCommand(this.program, this.args, this.target.env);
    return new Promise((resolve) => {
      const child = spawn(command, args, { cwd: this.target.cwd, env: this.target.env, stdio: 'ignore', detached: true });
      let settled = false;
      const settle = (healthy: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (child.pid !== undefined) this.running.delete(child.pid);
        resolve(healthy);
      };
      const timer = setTimeout(() => {
        killGroup(child.pid);
        settle(false);
      }, timeoutMs);
      if (child.pid !== undefined) this.running.add(child.pid);
      child.once('error', () => settle(false));
      child.once('exit', (code) => settle(code === 0));
    });
  }

  close(): void {
    for (const pid of this.running) killGroup(pid);
    this.running.clear();
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
