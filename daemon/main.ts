#!/usr/bin/env node
/**
 * The daemon's entry: `node dist/daemon/main.js [--port N] [--allow-host HOST]… [--https] [--https-port N] [--workers N]`
 * (the bus comes in HERVE_BUS, never in the arguments: `ps` would show its password).
 * `herve up` runs it detached with its output sent to daemon.log; `herve up --foreground` attached.
 * Node's flags for it are given by the CLI that starts it (cli/daemon/daemon-launch.ts, DAEMON_NODE_FLAGS).
 */
import { startDaemon } from './startup/start-daemon.js';
import { describeZodError, parseFrontDoorWorkers } from '../protocol/index.js';
import { HerveError } from './shared/errors.js';
import { parseAllowedHosts } from './startup/allowed-hosts.js';
import { parseBusSettings } from './startup/bus-settings.js';

const DEFAULT_PROXY_PORT = 5000;
const DEFAULT_HTTPS_PORT = 5443;

// A foreground daemon's reader may go away (a closed pipe): it then logs nowhere, rather than turn each
// EPIPE into an uncaught error whose own log line fails again.
let stdoutOpen = true;
process.stdout.on('error', () => {
  stdoutOpen = false;
});

function log(message: string): void {
  if (stdoutOpen) process.stdout.write(`${new Date().toISOString()} herve: ${message}\n`);
}

/** A port from `--FLAG N`, `--FLAG=N` or the environment; `fallback` when none is given. */
function parsePort(argv: string[], flag: string, fromEnv: string | undefined, fallback: number): number {
  const at = argv.indexOf(flag);
  const inline = argv.find((arg) => arg.startsWith(`${flag}=`));
  const raw = at !== -1 ? argv[at + 1] : inline ? inline.slice(flag.length + 1) : fromEnv;
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new HerveError(
      'bad_request',
      `${flag} must be a number from 0 to 65535 (got "${raw}")`,
      `for example: ${flag} ${fallback}, or ${flag} 0 for any free port`,
    );
  }
  return port;
}

/** HTTPS is on with `--https` or `--https-port N`; its port from the flag, else HERVE_HTTPS_PORT, else 5443. */
function parseHttps(argv: string[], env: NodeJS.ProcessEnv): { port: number } | undefined {
  const asked = argv.includes('--https') || argv.some((arg) => arg === '--https-port' || arg.startsWith('--https-port='));
  return asked ? { port: parsePort(argv, '--https-port', env.HERVE_HTTPS_PORT, DEFAULT_HTTPS_PORT) } : undefined;
}

/** How long the proxy waits for a service's response headers before answering 504. */
function parseUpstreamTimeout(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.HERVE_UPSTREAM_TIMEOUT_MS;
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 100 || ms > 3_600_000) {
    throw new HerveError(
      'bad_request',
      `HERVE_UPSTREAM_TIMEOUT_MS must be whole milliseconds from 100 to 3600000 (got "${raw}")`,
      'for example: HERVE_UPSTREAM_TIMEOUT_MS=60000 herve up',
    );
  }
  return ms;
}

/** `--workers N`: processes serving the front door (1, the daemon alone, without the flag). */
function parseWorkers(argv: string[]): number {
  const at = argv.indexOf('--workers');
  if (at === -1) return 1;
  const parsed = parseFrontDoorWorkers(argv[at + 1] ?? '');
  if (parsed.success) return parsed.data;
  throw new HerveError('bad_request', `--workers: ${describeZodError(parsed.error)}`, 'for example: --workers 2');
}

async function main(): Promise<void> {
  const port = parsePort(process.argv.slice(2), '--port', process.env.PORT, DEFAULT_PROXY_PORT);
  const https = parseHttps(process.argv.slice(2), process.env);
  const upstreamTimeoutMs = parseUpstreamTimeout(process.env);
  const allowedHosts = parseAllowedHosts(process.argv.slice(2), process.env);
  const bus = parseBusSettings(process.env);
  const workers = parseWorkers(process.argv.slice(2));
  log(`starting (pid ${process.pid}, node ${process.version})`);
  const daemon = await startDaemon({ port, upstreamTimeoutMs, allowedHosts, https, bus, workers, log });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log(`${signal} again: killing services and exiting now`);
      daemon.killServices();
      process.exit(1);
    }
    void daemon.shutdown(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // A closed terminal (herve up --foreground) must not leave services behind.
  process.on('SIGHUP', onSignal);
  // A bug in one handler must not take every service down with the daemon.
  process.on('uncaughtException', (error) => log(`uncaught error (daemon keeps running): ${error.stack ?? error}`));
  process.on('unhandledRejection', (error) => log(`unhandled rejection (daemon keeps running): ${String(error)}`));
  await daemon.stopped;
  process.exit(0);
}

main().catch((error: unknown) => {
  if (error instanceof HerveError) {
    log(`cannot start: ${error.message}${error.hint ? ` — ${error.hint}` : ''}`);
  } else {
    log(`cannot start: ${(error as Error).stack ?? String(error)}`);
  }
  process.exit(1);
});
