import { render } from 'ink';
import { hervePaths, socketPathProblem } from '../../protocol/paths.js';
import { chooseThemeName, colourWanted, THEME_NAMES } from '../../themes/index.js';
import { SocketDaemonClient, UserError } from '../client/index.js';
import { Dashboard } from './Dashboard.js';
import type { ConnectDaemon } from './hooks/use-daemon-connection.js';

export interface TuiOptions {
  theme?: string;
}

// The alternate screen keeps the user's scroll-back intact and is restored on exit.
const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h\x1b[H\x1b[2J';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];

/** How the dashboard reaches the daemon: a stuck daemon's socket is closed when its hello is late. */
export function daemonConnector(socketPath: string): ConnectDaemon {
  return (helloTimeoutMs) => SocketDaemonClient.connect(socketPath, 'herve-tui', { helloTimeoutMs });
}

/**
 * `herve tui`: the live dashboard. Opens even when the daemon is down (it shows
 * "disconnected — retrying" and connects once `herve up` runs); resolves when the user quits.
 */
export async function launchTui(options: TuiOptions): Promise<void> {
  const themeName = chooseThemeName(options.theme);
  if (!THEME_NAMES.includes(themeName)) {
    throw new UserError(`unknown theme "${themeName}"`, `choose one of: ${THEME_NAMES.join(', ')}`);
  }
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UserError('herve tui needs an interactive terminal', 'for scripts use: herve status --json, herve logs -f');
  }
  const paths = hervePaths();
  const tooLong = socketPathProblem(paths.socket);
  if (tooLong) throw new UserError(tooLong);

  const connect = daemonConnector(paths.socket);
  process.stdout.write(ENTER_ALTERNATE_SCREEN);
  const leave = () => process.stdout.write(LEAVE_ALTERNATE_SCREEN);
  process.once('exit', leave);
  let stoppedBy: NodeJS.Signals | null = null;
  const app = render(<Dashboard connect={connect} socketPath={paths.socket} themeName={themeName} colour={colourWanted()} />, {
    // The dashboard batches its own updates (~10/s); this caps what reaches the terminal too.
    // Incremental rendering stays off: in Ink 6.8 it left stale lines behind on a full-height frame.
    maxFps: 10,
    exitOnCtrlC: true,
  });
  // Killed (kill, a closed terminal): unmount and restore the screen first, then die of the signal.
  const onSignal = (signal: NodeJS.Signals) => {
    stoppedBy = signal;
    app.unmount();
  };
  for (const signal of STOP_SIGNALS) process.once(signal, onSignal);
  try {
    await app.waitUntilExit();
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    process.off('exit', leave);
    leave();
  }
  if (stoppedBy) {
    process.kill(process.pid, stoppedBy);
    // Let the signal end the process (its usual exit status) before the caller goes on.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
