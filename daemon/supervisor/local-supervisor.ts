import { execa } from 'execa';
import { setTimeout as sleep } from 'node:timers/promises';
import { isGroupAlive, isProcessRunning, signalGroup } from '../../platform/proc.js';
import { findMarkedProcesses, INSTANCE_MARK_VARIABLE, isSameProcess, newInstanceMark, signalMarked, type MarkedProcess } from './descendants.js';
import type { OutputListener, OutputStream, ProcessExit, ProcessHandle, SpawnRequest, Supervisor } from './types.js';

/** How long to wait for stdio to drain after an exit before reporting it anyway (a grandchild may hold the pipes). */
const DRAIN_AFTER_EXIT_MS = 500;
const GROUP_POLL_MS = 40;

class SpawnedProcess implements ProcessHandle {
  readonly pid: number | undefined;
  readonly pgid: number | undefined;
  readonly exited: Promise<ProcessExit>;
  /** Inherited by every descendant, so those that leave the group are still stopped with it. */
  readonly mark = newInstanceMark();
  private readonly outputListeners: OutputListener[] = [];
  private resolveExit!: (exit: ProcessExit) => void;

  constructor(request: SpawnRequest) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    let subprocess: ReturnType<typeof execa> | undefined;
    try {
      subprocess = execa(request.command, request.args, {
        cwd: request.cwd,
        env: { ...request.env, [INSTANCE_MARK_VARIABLE]: this.mark },
        extendEnv: false,
        detached: true,
        cleanup: false,
        stdin: 'ignore',
        buffer: false,
        reject: false,
        forceKillAfterDelay: false,
        windowsHide: true,
      });
    } catch (error) {
      this.finish({ code: null, signal: null, spawnError: (error as Error).message });
    }
    this.pid = subprocess?.pid;
    this.pgid = subprocess?.pid;
    if (subprocess) this.watch(subprocess);
  }

  onExit(listener: (exit: ProcessExit) => void): void {
    void this.exited.then(listener);
  }

  onOutput(listener: OutputListener): void {
    this.outputListeners.push(listener);
  }

  private watch(subprocess: ReturnType<typeof execa>): void {
    const emit = (stream: OutputStream) => (chunk: Buffer) => {
      for (const listener of this.outputListeners) listener(stream, chunk);
    };
    subprocess.stdout?.on('data', emit('stdout'));
    subprocess.stderr?.on('data', emit('stderr'));
    let closed = false;
    subprocess.once('close', () => (closed = true));
    subprocess.once('exit', (code, signal) => {
      const exit: ProcessExit = { code, signal };
      if (closed) return this.finish(exit);
      const timer = setTimeout(() => this.finish(exit), DRAIN_AFTER_EXIT_MS);
      subprocess.once('close', () => {
        clearTimeout(timer);
        this.finish(exit);
      });
    });
    // With reject: false the promise resolves; a spawn failure (ENOENT, EACCES) surfaces here without an 'exit'.
    void subprocess.then(
      (result) => {
        if (subprocess.pid === undefined || result.failed && result.exitCode === undefined && !result.signal) {
          this.finish({ code: null, signal: null, spawnError: result.shortMessage ?? result.message });
        }
      },
      (error: Error) => this.finish({ code: null, signal: null, spawnError: error.message }),
    );
  }

  private finished = false;
  private finish(exit: ProcessExit): void {
    if (this.finished) return;
    this.finished = true;
    this.resolveExit(exit);
  }
}

/** Spawns one child with execa, in its own process group. */
export function spawnProcess(request: SpawnRequest): ProcessHandle {
  return new SpawnedProcess(request);
}

/** Runs children in this process with execa, each in its own process group. */
export interface LocalSupervisor extends Omit<Supervisor, 'spawn'> {
  spawn(request: SpawnRequest): ProcessHandle;
}

export function createLocalSupervisor(): LocalSupervisor {
  return {
    spawn: spawnProcess,
    signal: (handle, signal) => {
      if (signal === 'SIGKILL') killStrays(handle);
      return handle.pgid === undefined ? false : signalGroup(handle.pgid, signal);
    },
    stop: (handle, graceMs, signal) => stopGroup(handle, graceMs, signal),
  };
}

/** `signal` (SIGTERM unless the service asks otherwise) to the handle's group and its marked descendants, SIGKILL after the grace period; resolves with the exit. */
export async function stopGroup(handle: ProcessHandle, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<ProcessExit> {
  const pgid = handle.pgid;
  if (pgid === undefined) return handle.exited;
  const deadline = Date.now() + graceMs;
  signalGroup(pgid, signal);
  const strays = straysOf(handle);
  signalMarked(strays, signal);
  let leaderGone = false;
  void handle.exited.then(() => (leaderGone = true));
  // Wait for the leader, every other member of the group and descendants that left it, up to the grace period.
  while (Date.now() < deadline && (!leaderGone || isGroupAlive(pgid) || strays.some(isRunningStray))) {
    await sleep(Math.min(GROUP_POLL_MS, Math.max(1, deadline - Date.now())));
  }
  if (isGroupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  killStrays(handle);
  return handle.exited;
}

/** SIGKILL every process still carrying the handle's mark, in its group or not. */
export function killStrays(handle: ProcessHandle): void {
  signalMarked(straysOf(handle), 'SIGKILL');
}

/** The live processes carrying the handle's mark, except its monitor (which must live to record the exit). */
function straysOf(handle: ProcessHandle): MarkedProcess[] {
  if (handle.mark === undefined) return [];
  return findMarkedProcesses(handle.mark).filter((each) => each.pid !== handle.monitor?.pid);
}

function isRunningStray(stray: MarkedProcess): boolean {
  return isSameProcess(stray);
}
