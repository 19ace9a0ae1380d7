import { homedir } from 'node:os';
import { join } from 'node:path';

/** Unix socket paths are capped at 108 bytes on Linux (sun_path), including the NUL. */
export const MAX_SOCKET_PATH_BYTES = 107;

export interface HervePaths {
  home: string;
  socket: string;
  /** Where front-door workers (`herve up --workers N`) forward Herve's own requests to the daemon. */
  frontDoorSocket: string;
  pidFile: string;
  lockFile: string;
  database: string;
  logsDir: string;
  /** One `<service>.log` of JSON lines per service: its proxied requests. */
  accessLogsDir: string;
  daemonLog: string;
  /** The local certificate authority of `herve up --https` and the front door's certificate, signed by it. */
  caDir: string;
  caCert: string;
  caKey: string;
  tlsCert: string;
  tlsKey: string;
}

/** Every file Herve keeps, under `HERVE_HOME` (default `~/.herve`). */
export function hervePaths(env: NodeJS.ProcessEnv = process.env): HervePaths {
  const home = env.HERVE_HOME && env.HERVE_HOME.length > 0 ? env.HERVE_HOME : join(homedir(), '.herve');
  return {
    home,
    socket: join(home, 'herve.sock'),
    frontDoorSocket: join(home, 'front.sock'),
    pidFile: join(home, 'herve.pid'),
    lockFile: join(home, 'herve.lock'),
    database: join(home, 'state.db'),
    logsDir: join(home, 'logs'),
    accessLogsDir: join(home, 'logs', 'access'),
    daemonLog: join(home, 'daemon.log'),
    caDir: join(home, 'ca'),
    caCert: join(home, 'ca', 'ca.crt'),
    caKey: join(home, 'ca', 'ca.key'),
    tlsCert: join(home, 'ca', 'localhost.crt'),
    tlsKey: join(home, 'ca', 'localhost.key'),
  };
}

/** Null when the socket path fits, else a message saying what to do. */
export function socketPathProblem(socket: string): string | null {
  if (Buffer.byteLength(socket) <= MAX_SOCKET_PATH_BYTES) return null;
  return `socket path ${socket} is ${Buffer.byteLength(socket)} bytes, over the ${MAX_SOCKET_PATH_BYTES}-byte limit of Unix sockets — set HERVE_HOME to a shorter directory`;
}
