import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { isGroupAlive, signalGroup } from '../../platform/proc.js';
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
    let child: ChildProcess | undefined;
    try {
      child = spawn(request.command, request.args, {
        cwd: request.cwd,
        env: { ...request.env, [INSTANCE_MARK_VARIABLE]: this.mark },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
      });
    } catch (error) {
      this.finish({ code: null, signal: null, spawnError: (error as Error).message });
    }
    this.pid = child?.pid;
    this.pgid = child?.pid;
    if (child) this.watch(child);
  }

  onExit(listener: (exit: ProcessExit) => void): void {
    void this.exited.then(listener);
  }

  onOutput(listener: OutputListener): void {
    this.outputListeners.push(listener);
  }

  private watch(child: ChildProcess): void {
    const emit = (stream: OutputStream) => (chunk: Buffer) => {
      for (const listener of this.outputListeners) listener(stream, chunk);
    };
    child.stdout?.on('data', emit('stdout'));
    child.stderr?.on('data', emit('stderr'));
    let closed = false;
    child.once('close', () => (closed = true));
    child.once('exit', (code, signal) => {
      const exit: ProcessExit = { code, signal };
      if (closed) return this.finish(exit);
      const timer = setTimeout(() => this.finish(exit), DRAIN_AFTER_EXIT_MS);
      child.once('close', () => {
        clearTimeout(timer);
        this.finish(exit);
      });
    });
    // A spawn failure (ENOENT, EACCES) comes as 'error' without a pid and without 'exit'; a later
    // 'error' (a signal that could not be sent) changes nothing about how the process ends.
    child.on('error', (error) => {
      if (child.pid === undefined) this.finish({ code: null, signal: null, spawnError: error.message });
    });
  }

  private finished = false;
  private finish(exit: ProcessExit): void {
    if (this.finished) return;
    this.finished = true;
    this.resolveExit(exit);
  }
}

/** Spawns one child in its own process group. */
export function spawnProcess(request: SpawnRequest): ProcessHandle {
  return new SpawnedProcess(request);
}

/** Runs children in this process, each in its own process group. */
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
