import type { HervePaths } from '../../protocol/index.js';
import { awaitDaemonReady, probeDaemon, spawnDetachedDaemon, type DaemonHello, type DaemonSettings } from './daemon-launch.js';
import type { Progress } from '../output/progress.js';

export interface DaemonUp {
  hello: DaemonHello;
  alreadyRunning: boolean;
}

/** The running daemon, or a freshly started detached one. */
export async function ensureDaemonUp(paths: HervePaths, settings: DaemonSettings, progress: Progress): Promise<DaemonUp> {
  const running = await probeDaemon(paths);
  if (running) return { hello: running, alreadyRunning: true };
  const launch = spawnDetachedDaemon(paths, settings);
  progress.update(`starting herve daemon (pid ${launch.child.pid})…`);
  try {
    const hello = await awaitDaemonReady(paths, launch);
    return { hello, alreadyRunning: hello.pid !== launch.child.pid };
  } finally {
    progress.stop();
  }
}

export function proxyUrl(hello: DaemonHello): string | null {
  return hello.proxyPort === null ? null : `http://localhost:${hello.proxyPort}/`;
}

export function httpsUrl(hello: DaemonHello): string | null {
  return hello.httpsPort === null ? null : `https://localhost:${hello.httpsPort}/`;
}

/** Where everything is, shown after `herve up`. */
export function describeDaemon(hello: DaemonHello, paths: HervePaths): string {
  const rows: [string, string][] = [
    ['pid', String(hello.pid)],
    ['HERVE_HOME', hello.home],
    ['socket', hello.socket],
    ['logs', paths.logsDir],
    ['daemon log', paths.daemonLog],
    ['proxy', proxyUrl(hello) ?? 'off'],
    ['https', hello.httpsPort === null ? 'off (herve up --https)' : `${httpsUrl(hello)} (trust its CA once: herve ca)`],
    ...(hello.bus === null ? [] : [['bus', hello.bus] as [string, string]]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return `${rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}
