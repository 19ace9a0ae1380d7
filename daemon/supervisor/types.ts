/** What to run. `env` is the process's whole environment (see orchestrator/service-env.ts). */
export interface SpawnRequest {
  command: string;
  args: string[];
  cwd?: string;
  env: Record<string, string>;
}

export type OutputStream = 'stdout' | 'stderr';

export type OutputListener = (stream: OutputStream, chunk: Buffer) => void | Promise<void>;

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
  /** A listener may return a promise: more output is read only once it settles (backpressure). */
  onOutput(listener: OutputListener): void;
  /** Resolves with the exit, once. */
  readonly exited: Promise<ProcessExit>;
  /** Inherited by every descendant (HERVE_INSTANCE_MARK), so those that leave the group are still stopped with it. */
  readonly mark?: string;
  /** The monitor that owns its output and records its exit, when it has one (it outlives the daemon). */
  readonly monitor?: ProcessIdentity;
}

/** One process, told apart from a later one that reuses its pid by its kernel start time. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
}

/** What a dead daemon recorded about an instance, for its successor to take over. */
export interface SurvivorRecord {
  pid: number;
  pgid: number;
  startTime: string;
  monitor: ProcessIdentity | null;
}

/**
 * The only part of the daemon that starts or signals processes. Narrow on purpose:
 * it could move into a separate keeper process without touching its one user, the orchestrator.
 */
export interface Supervisor {
  spawn(request: SpawnRequest): ProcessHandle | Promise<ProcessHandle>;
  /**
   * Take over an instance a dead daemon left: a handle on it (`endedMeanwhile`: it already exited,
   * with its recorded exit), or null when nothing of it can be known any more.
   */
  adopt?(record: SurvivorRecord): { handle: ProcessHandle; endedMeanwhile: boolean } | null;
  /** Signal the whole process group of the handle; false when it is gone. */
  signal(handle: ProcessHandle, signal: NodeJS.Signals): boolean;
  /** `signal` (default SIGTERM) to the group, SIGKILL to the group after `graceMs`; resolves once the process exited. */
  stop(handle: ProcessHandle, graceMs: number, signal?: NodeJS.Signals): Promise<ProcessExit>;
}
