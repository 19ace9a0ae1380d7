/** What to run. `env` is added to the daemon's own environment. */
export interface SpawnRequest {
  command: string;
  args: string[];
  cwd?: string;
  env: Record<string, string>;
}

export type OutputStream = 'stdout' | 'stderr';

/** How a process ended; `spawnError` is set when it never started (e.g. command not found). */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  spawnError?: string;
}

/** One spawned process. Listeners added after the exit still receive it. */
export interface ProcessHandle {
  /** undefined when the spawn failed. */
  readonly pid: number | undefined;
  /** The process group; each process leads its own. */
  readonly pgid: number | undefined;
  onExit(listener: (exit: ProcessExit) => void): void;
  onOutput(listener: (stream: OutputStream, chunk: Buffer) => void): void;
  /** Resolves with the exit, once. */
  readonly exited: Promise<ProcessExit>;
}

/**
 * The only part of the daemon that starts or signals processes. Narrow on purpose:
 * it could move into a separate keeper process without touching its one user, the orchestrator.
 */
export interface Supervisor {
  spawn(request: SpawnRequest): ProcessHandle;
  /** Signal the whole process group of the handle; false when it is gone. */
  signal(handle: ProcessHandle, signal: NodeJS.Signals): boolean;
  /** `signal` (default SIGTERM) to the group, SIGKILL to the group after `graceMs`; resolves once the process exited. */
  stop(handle: ProcessHandle, graceMs: number, signal?: NodeJS.Signals): Promise<ProcessExit>;
}
