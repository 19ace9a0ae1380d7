import { constants, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import { readProcessStartTime, signalGroup } from '../../platform/proc.js';
import { isSameProcess, readInstanceMark } from './descendants.js';
import { whenGone } from './gone-watch.js';
import { killStrays, spawnProcess, stopGroup } from './local-supervisor.js';
import { MONITOR_NAME, MONITOR_SCRIPT } from './monitor-script.js';
import type { OutputListener, OutputStream, ProcessExit, ProcessHandle, ProcessIdentity, SpawnRequest, Supervisor } from './types.js';

/** How long to wait for the output pipes to drain after an exit (a grandchild may hold them). */
const DRAIN_AFTER_EXIT_MS = 500;

interface MonitorFiles {
  out: string;
  err: string;
  exit: string;
}

function filesOf(runDir: string, monitorPid: number): MonitorFiles {
  const base = join(runDir, String(monitorPid));
  return { out: `${base}.out`, err: `${base}.err`, exit: `${base}.exit` };
}

function removeFiles(files: MonitorFiles): void {
  for (const path of [files.out, files.err, files.exit]) rmSync(path, { force: true });
}

const SIGNAL_BY_NUMBER = new Map(Object.entries(osConstants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));

/** The monitor writes the shell's `$?`: 128 + n for a service killed by signal n. */
function readExitFile(path: string): ProcessExit | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
  const status = Number(text);
  if (text === '' || !Number.isInteger(status)) return null;
  const signal = status > 128 ? SIGNAL_BY_NUMBER.get(status - 128) : undefined;
  return signal ? { code: null, signal } : { code: status, signal: null };
}

/** Reads a FIFO without blocking a thread: a non-blocking fd wrapped in a stream socket. */
function openFifo(path: string): Socket | null {
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    return new Socket({ fd, readable: true, writable: false });
  } catch {
    return null;
  }
}

/** A handle whose process has already ended (never started, or ended while no daemon ran). */
function endedHandle(exit: ProcessExit, pid?: number): ProcessHandle {
  const exited = Promise.resolve(exit);
  return {
    pid,
    pgid: pid,
    exited,
    onExit: (listener) => void exited.then(listener),
    onOutput: () => undefined,
  };
}

/** An instance run under a monitor: its output comes from the monitor's FIFOs, its exit from the monitor's file. */
class MonitoredProcess implements ProcessHandle {
  readonly pgid: number;
  readonly exited: Promise<ProcessExit>;
  private readonly outputListeners: OutputListener[] = [];

  constructor(
    readonly pid: number,
    readonly monitor: ProcessIdentity,
    readonly mark: string | undefined,
    files: MonitorFiles,
    monitorEnded: Promise<ProcessExit | null>,
  ) {
    this.pgid = pid;
    const streams = [this.read(files.out, 'stdout'), this.read(files.err, 'stderr')].filter((socket): socket is Socket => socket !== null);
    const drained = Promise.all(streams.map((socket) => new Promise((resolve) => socket.once('close', resolve))));
    this.exited = monitorEnded.then(async (monitorExit) => {
      const recorded = readExitFile(files.exit);
      // No record: the monitor itself was killed; its service must not run on unseen.
      if (!recorded) signalGroup(pid, 'SIGKILL');
      const exit = recorded ?? monitorExit ?? { code: null, signal: null };
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_AFTER_EXIT_MS)))]);
      clearTimeout(timer);
      for (const socket of streams) socket.destroy();
      removeFiles(files);
      return exit;
    });
  }

  onExit(listener: (exit: ProcessExit) => void): void {
    void this.exited.then(listener);
  }

  onOutput(listener: OutputListener): void {
    this.outputListeners.push(listener);
  }

  private read(path: string, stream: OutputStream): Socket | null {
    const socket = openFifo(path);
    socket?.on('data', (chunk: Buffer) => {
      const pending = this.outputListeners.map((listener) => listener(stream, chunk)).filter((result) => result instanceof Promise);
      if (pending.length === 0) return;
      // What stays in the pipe survives a daemon crash; what the daemon holds in memory does not.
      socket.pause();
      void Promise.allSettled(pending).then(() => socket.resume());
    });
    socket?.on('error', () => socket.destroy());
    return socket;
  }
}

/** The monitor's first stdout line (`pid N` or `spawn-error …`), or null when it ended without one. */
function firstLine(handle: ProcessHandle): Promise<string | null> {
  return new Promise((resolve) => {
    let text = '';
    handle.onOutput((stream, chunk) => {
      if (stream !== 'stdout') return;
      text += chunk.toString();
      const newline = text.indexOf('\n');
      if (newline !== -1) resolve(text.slice(0, newline));
    });
    handle.onExit(() => resolve(null));
  });
}

/**
 * Runs every instance under a `/bin/sh` monitor (see monitor-script.ts), so instances keep running,
 * keep their output and get their exit recorded when the daemon dies, and a later daemon adopts them.
 */
export function createMonitoredSupervisor(runDir: string): Supervisor {
  mkdirSync(runDir, { recursive: true, mode: 0o700 });

  const spawn = async (request: SpawnRequest): Promise<ProcessHandle> => {
    const shell = spawnProcess({
      command: '/bin/sh',
      args: ['-c', MONITOR_SCRIPT, MONITOR_NAME, runDir, request.command, ...request.args],
      cwd: request.cwd,
      env: request.env,
    });
    if (shell.pid === undefined) return shell;
    const monitor = { pid: shell.pid, startTime: readProcessStartTime(shell.pid) ?? '' };
    const line = await firstLine(shell);
    const files = filesOf(runDir, shell.pid);
    if (!line?.startsWith('pid ')) {
      const exit = await shell.exited;
      removeFiles(files);
      const why = line?.startsWith('spawn-error ')
        ? line.slice('spawn-error '.length)
        : `its monitor ended before starting it (code ${exit.code}, signal ${exit.signal})`;
      return endedHandle({ code: null, signal: null, spawnError: why });
    }
    return new MonitoredProcess(Number(line.slice('pid '.length)), monitor, shell.mark, files, shell.exited);
  };

  const adopt: NonNullable<Supervisor['adopt']> = (record) => {
    if (!record.monitor) return null;
    const files = filesOf(runDir, record.monitor.pid);
    if (isSameProcess(record.monitor)) {
      const handle = new MonitoredProcess(record.pid, record.monitor, readInstanceMark(record.pid), files, whenGone(record.monitor));
      return { handle, endedMeanwhile: false };
    }
    const exit = readExitFile(files.exit);
    removeFiles(files);
    return exit ? { handle: endedHandle(exit, record.pid), endedMeanwhile: true } : null;
  };

  return {
    spawn,
    adopt,
    signal: (handle, signal) => {
      if (signal === 'SIGKILL') killStrays(handle);
      return handle.pgid === undefined ? false : signalGroup(handle.pgid, signal);
    },
    stop: (handle, graceMs, signal) => stopGroup(handle, graceMs, signal),
  };
}
