import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hervePaths, maskBusUrl, socketPathProblem, type HervePaths } from '../../protocol/index.js';
import type { BusMembership, RedisBus } from '../bus/redis-bus.js';
import { ControlServer } from '../control/control-server.js';
import { buildServiceRecord } from '../orchestrator/registration.js';
import { ProjectApplier } from '../project/project-applier.js';
import { describeError, HerveError } from '../shared/errors.js';
import { LogStore } from '../logs/log-store.js';
import { allServiceTypes } from '../orchestrator/builtin-types.js';
import { Orchestrator, ServiceTypes, StatsCollector } from '../orchestrator/index.js';
import { Registry } from '../registry/registry.js';
import { serviceLogsFrom } from '../logs/service-logs.js';
import { adoptPredecessorInstances } from './adopt.js';
import type { BusSettings } from './bus-settings.js';
import { secureHome } from './home-permissions.js';
import { refuseLiveDaemonWithoutSocket } from './pid-file.js';
import { acquireStartLock } from './start-lock.js';
import { readPid } from '../../platform/proc.js';
import { clearStaleSocket } from './stale-socket.js';
import { startFrontDoor, type FrontDoor } from '../proxy/front-door.js';
import type { FrontDoorWorkers } from '../proxy/workers/front-door-workers.js';
import { RequestJournal } from '../requests/request-journal.js';
import { loadRequestTracer } from '../tracing/request-tracer.js';
import { createProcessSampler } from '../stats/process-sampler.js';
import { createMonitoredSupervisor } from '../supervisor/index.js';

export interface DaemonOptions {
  paths?: HervePaths;
  /** Proxy port; 0 = any free port. */
  port: number;
  /** Proxy wait for response headers before a 504 (default in proxy/front-door.ts). */
  upstreamTimeoutMs?: number;
  /** Hosts the proxy answers for besides localhost, 127.0.0.1, [::1] and *.localhost. */
  allowedHosts?: readonly string[];
  /** The Redis bus members join over; ioredis is loaded only when one is given. */
  bus?: BusSettings | null;
  /** Serve the front door over TLS too (HTTP/2 and HTTP/1.1), with a certificate from the local CA; 0 = any free port. */
  https?: { port: number };
  /** Processes serving the front door: the daemon and `workers - 1` front-door workers (default 1: the daemon alone). */
  workers?: number;
  log(message: string): void;
}

export interface RunningDaemon {
  /** Resolves when the daemon has fully shut down (after `shutdown()`, a signal, or the `shutdown` method). */
  readonly stopped: Promise<void>;
  shutdown(reason: string): Promise<void>;
  /** SIGKILL every service's process group, for when a graceful shutdown is not waited for. */
  killServices(): void;
}

/** Start the daemon: lock, stale socket, registry, re-adoption, orchestrator, proxy, control socket, services. */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const paths = options.paths ?? hervePaths();
  const { log } = options;
  const socketProblem = socketPathProblem(paths.socket);
  if (socketProblem) throw new HerveError('bad_request', socketProblem);
  secureHome(paths);
  const releaseLock = acquireStartLock(paths.lockFile);
  try {
    if ((await clearStaleSocket(paths.socket, () => readPid(paths.pidFile))) === 'removed') {
      log(`removed a stale socket left by a previous daemon: ${paths.socket}`);
    }
    refuseLiveDaemonWithoutSocket(paths.pidFile);
    writeFileSync(paths.pidFile, `${process.pid}\n`, { mode: 0o600 });
    const running = await assemble(paths, options);
    log(`daemon ready (pid ${process.pid}), socket ${paths.socket}`);
    return running;
  } catch (error) {
    if (readPid(paths.pidFile) === process.pid) rmSync(paths.pidFile, { force: true });
    throw error;
  } finally {
    releaseLock();
  }
}

async function assemble(paths: HervePaths, options: DaemonOptions): Promise<RunningDaemon> {
  const { log } = options;
  const registry = new Registry(paths.database);
  log(`registry ${paths.database}`);
  const logStore = new LogStore({ dir: paths.logsDir });
  const stats = new StatsCollector(createProcessSampler());
  const types = new ServiceTypes(allServiceTypes());
  const runDir = join(paths.home, 'run');
  const supervisor = createMonitoredSupervisor(runDir);
  const orchestrator = new Orchestrator({ registry, supervisor, logs: serviceLogsFrom(logStore), types, stats });
  const project = new ProjectApplier(
    {
      list: () => orchestrator.list(),
      register: (spec) => orchestrator.register(spec),
      unregister: (ref) => orchestrator.unregister(ref),
      update: (ref, spec) => orchestrator.update(ref, spec),
      onEvent: (listener) => orchestrator.onEvent(listener),
    },
    (spec) => buildServiceRecord(spec, types).record,
    log,
  );
  const tracer = await loadRequestTracer(process.env);
  if (tracer) log('tracing: one span per proxied request to the OTLP endpoint in OTEL_EXPORTER_OTLP_ENDPOINT');
  const journal = new RequestJournal({ dir: paths.accessLogsDir, tracer });
  const extraWorkers = (options.workers ?? 1) - 1;
  let workers: FrontDoorWorkers | undefined;
  const frontDoor = await startFrontDoor({
    journal,
    port: options.port,
    upstreamTimeoutMs: options.upstreamTimeoutMs,
    allowedHosts: options.allowedHosts,
    routes: orchestrator,
    control: orchestrator,
    https: options.https && { port: options.https.port, ...(await localCertificates(paths, options.allowedHosts ?? [], log)) },
    ...(extraWorkers > 0 ? { internalSocket: paths.frontDoorSocket, workers: () => workers?.processes() ?? [] } : {}),
    log,
  });
  orchestrator.onEvent((event) => {
    if (event.event === 'service.removed') void journal.release(event.data.name);
  });
  orchestrator.setProxyPort(frontDoor.port);
  if (extraWorkers > 0) {
    workers = await startWorkers(extraWorkers, frontDoor, orchestrator, journal.tracing, paths, options);
    const started = workers;
    orchestrator.setInFlight(async (port) => frontDoor.inFlight(port) + (await started.inFlight(port)));
  } else orchestrator.setInFlight((port) => frontDoor.inFlight(port));
  stats.setRequestStats(frontDoor.requestStats);
  log(`proxy listening on http://localhost:${frontDoor.port}/${frontDoor.httpsPort === null ? '' : ` and https://localhost:${frontDoor.httpsPort}/`}`);
  // After the proxy port is ours: a daemon that cannot start must not touch what its predecessor left.
  const adoptions = await adoptPredecessorInstances(registry, supervisor, runDir, {
    log,
    instance: (record, line) => {
      const service = registry.listServices().find((candidate) => candidate.uuid === record.serviceUuid);
      if (service) logStore.append({ service: service.name, instance: record.index, stream: 'system', at: Date.now(), line });
    },
  });
  const startedAt = Date.now();
  let shutdownStarted: Promise<void> | undefined;
  let bus: RedisBus | undefined;
  let markStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));

  const shutdown = (reason: string): Promise<void> => {
    shutdownStarted ??= (async () => {
      log(`shutting down (${reason}): stopping services`);
      await step('close the bus', () => bus?.close(), log);
      // Every service has its SIGKILL fallback; this bound only guards against a process stuck in the kernel.
      const servicesDeadline = orchestrator.longestStopGraceMs() + SHUTDOWN_SLACK_MS;
      await step('stop services', () => withDeadline(orchestrator.shutdown(), servicesDeadline), log);
      log('services stopped');
      await step('stop the front-door workers', () => workers?.close(), log);
      await step('close the front door', () => frontDoor.close(), log);
      await step('close the control socket', () => control.close(), log);
      await step('flush logs', () => logStore.close(), log);
      await step('flush the access log and spans', () => journal.close(), log);
      await step('close the registry', () => registry.close(), log);
      rmSync(paths.pidFile, { force: true });
      log('daemon stopped');
      markStopped();
    })();
    return shutdownStarted;
  };

  const control = new ControlServer({
    socketPath: paths.socket,
    control: orchestrator,
    project,
    types: () => types.list(),
    facts: {
      pid: process.pid,
      startedAt,
      home: paths.home,
      socket: paths.socket,
      proxyPort: () => frontDoor.port,
      httpsPort: () => frontDoor.httpsPort,
      bus: options.bus ? maskBusUrl(options.bus.url) : null,
    },
    tailLogs: (query) => logStore.tail(query),
    requests: journal,
    requestShutdown: () => setImmediate(() => void shutdown('shutdown requested')),
    onServiceEvent: (listener) => {
      const unsubscribes = [orchestrator.onEvent(listener), project.onEvent(listener)];
      return () => {
        for (const unsubscribe of unsubscribes) unsubscribe();
      };
    },
    onLogLine: (listener) => logStore.onLine(listener),
    onRequest: (listener) => journal.onRequest(listener),
    log,
  });
  await control.listen();
  log(`control socket listening: ${paths.socket}`);
  bus = await startBus(options.bus, orchestrator, log);
  const wanted = orchestrator.list().filter((service) => service.desired === 'running').length;
  if (wanted > 0) log(`starting ${wanted} service(s) that were meant to run`);
  await orchestrator.restoreDesired(adoptions);
  return { stopped, shutdown, killServices: () => orchestrator.killAll() };
}

const SHUTDOWN_SLACK_MS = 5000;

/** The front door's other processes (`--workers N`); their module loads only then. */
async function startWorkers(
  count: number,
  frontDoor: FrontDoor,
  orchestrator: Orchestrator,
  tracing: boolean,
  paths: HervePaths,
  options: DaemonOptions,
): Promise<FrontDoorWorkers> {
  const { FrontDoorWorkers } = await import('../proxy/workers/front-door-workers.js');
  const workers = new FrontDoorWorkers({
    count,
    listening: frontDoor.listening,
    routes: orchestrator,
    onRoutesChanged: (listener) => orchestrator.onEvent(listener),
    adopt: ({ requests, reports }) => frontDoor.adopt(requests, reports),
    settings: { ownSocket: paths.frontDoorSocket, allowedHosts: options.allowedHosts ?? [], upstreamTimeoutMs: options.upstreamTimeoutMs, tracing },
    log: options.log,
  });
  await workers.start();
  options.log(`front door on ${count + 1} processes: the daemon and ${count} worker(s)${options.https ? ' (HTTPS is served by the daemon alone)' : ''}`);
  return workers;
}

/** Only a daemon with a bus loads ioredis. */
async function startBus(settings: BusSettings | null | undefined, members: BusMembership, log: (message: string) => void): Promise<RedisBus | undefined> {
  if (!settings) return undefined;
  const { RedisBus } = await import('../bus/redis-bus.js');
  return new RedisBus(settings, members, log);
}

/** The front door's certificates from the local CA in HERVE_HOME/ca (made on first use); the X.509 code loads only here. */
async function localCertificates(paths: HervePaths, allowedHosts: readonly string[], log: (message: string) => void) {
  const { ensureLocalCa } = await import('../tls/local-ca.js');
  const ca = await ensureLocalCa(paths, allowedHosts);
  if (ca.createdCa) log(`created a local certificate authority: ${paths.caCert} (to trust it: herve ca)`);
  if (ca.issuedLeaf) log(`issued the front door's certificate for ${ca.names.map((name) => name.value).join(', ')}: ${paths.tlsCert}`);
  return { credentials: { key: ca.key, cert: ca.cert }, certificateFor: ca.certificateFor };
}

/** One shutdown step: a failure is logged and the shutdown goes on, so the daemon always exits. */
async function step(what: string, action: () => unknown, log: (message: string) => void): Promise<void> {
  try {
    await action();
  } catch (error) {
    log(`could not ${what}: ${describeError(error)}`);
  }
}

function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done after ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
