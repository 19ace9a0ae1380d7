import { setTimeout as sleep } from 'node:timers/promises';
import type { InstanceStatus } from '../../protocol/index.js';
import { HerveError } from '../shared/errors.js';
import type { ServiceRecord } from '../registry/registry.js';
import type { ServiceLogs } from './context.js';
import { Instance } from './instance.js';
import { PROXY_TYPE } from './proxy-type.js';
import type { ServiceInstance } from './remote-instance.js';
import type { ServiceRuntime } from './service-runtime.js';

export interface RollDeps {
  logs: ServiceLogs;
  /** Requests the front door has in flight to this port (0 without a front door); a promise when workers must be asked. */
  inFlight(port: number): number | Promise<number>;
}

/** States in which a new instance has failed its start: it exited, or was killed for not turning ready. */
const FAILED: ReadonlySet<InstanceStatus> = new Set(['backoff', 'crashed', 'stopped']);
const DRAIN_POLL_MS = 20;
const READY_SLACK_MS = 2000;
const LOG_LINES_IN_ERROR = 10;

/**
 * Replace a service's instances one at a time with instances of `next` (the same spec for a plain
 * rolling restart): start the new one on a fresh port, wait until its probe passes (it then takes
 * traffic beside the old one), take the old one out of routing, let its in-flight requests finish,
 * stop it. A new instance that crashes or never turns ready stops the roll; the instances not yet
 * replaced keep serving, and the error says why with its last log lines.
 */
export async function rollInstances(service: ServiceRuntime, next: ServiceRecord, deps: RollDeps, reason: string): Promise<void> {
  const name = service.name;
  if (service.record.type === PROXY_TYPE || next.type === PROXY_TYPE) {
    throw new HerveError('conflict', `${name} is a proxy: it has no process to roll`, `its upstream restarts on its own; herve restart ${name} re-probes it`);
  }
  const olds = service.processInstances();
  deps.logs.system(name, null, `rolling restart (${reason}): ${olds.length} instance(s), one at a time`);
  try {
    for (const [step, old] of olds.entries()) {
      if (cancelled(service)) throw rollCancelled(name);
      service.roll = { step: step + 1, of: olds.length, reason };
      old.roll = 'old';
      await replaceOne(service, old, next, deps);
    }
    deps.logs.system(name, null, `rolling restart done: ${olds.length} instance(s) replaced`);
  } finally {
    service.roll = null;
    for (const instance of service.processInstances()) instance.roll = undefined;
    service.notify();
  }
}

async function replaceOne(service: ServiceRuntime, old: Instance, next: ServiceRecord, deps: RollDeps): Promise<void> {
  // Nothing to keep serving: a stopped or crashed instance is simply replaced. A fixed port cannot be shared.
  const overlap = old.targetPort() !== null && next.port === null;
  if (!overlap) {
    if (next.port !== null) deps.logs.system(service.name, old.index, `fixed port ${next.port}: replaced in place, not side by side`);
    await retire(service, old, deps, false);
  }
  const fresh = service.addInstance(next) as Instance;
  fresh.roll = 'new';
  await fresh.start();
  const failure = await waitUntilReady(service, fresh, next);
  if (failure !== null) {
    const lines = (await deps.logs.recent?.(service.name, fresh.index, LOG_LINES_IN_ERROR)) ?? [];
    await fresh.stop();
    service.removeInstance(fresh);
    if (cancelled(service)) throw rollCancelled(service.name);
    // In place (fixed port): bring the old one back as it was.
    if (!overlap) await reinstate(old);
    throw rollFailed(service.name, fresh.index, failure, lines, overlap);
  }
  if (overlap) await retire(service, old, deps, true);
  service.removeInstance(old, fresh);
  deps.logs.system(service.name, fresh.index, `took over from ${service.name}[${old.index}]`);
}

/** Out of routing, in-flight requests finished (up to the stop grace), then stopped. */
async function retire(service: ServiceRuntime, old: Instance, deps: RollDeps, drain: boolean): Promise<void> {
  const port = old.targetPort();
  old.draining = true;
  service.notify();
  if (drain && port !== null) {
    const deadline = Date.now() + service.record.stop.graceMs;
    while ((await deps.inFlight(port)) > 0 && Date.now() < deadline) await sleep(DRAIN_POLL_MS);
  }
  await old.stop();
}

async function reinstate(old: Instance): Promise<void> {
  old.draining = false;
  await old.start();
}

/** null once ready; otherwise why it will not be. */
async function waitUntilReady(service: ServiceRuntime, fresh: Instance, next: ServiceRecord): Promise<string | null> {
  const timeoutMs = next.health.startTimeoutMs + next.stop.graceMs + READY_SLACK_MS;
  const settled = () => fresh.targetPort() !== null || FAILED.has(fresh.status) || cancelled(service);
  await service.waitFor(settled, timeoutMs);
  if (fresh.targetPort() !== null) return null;
  if (cancelled(service)) return 'the service was stopped';
  const exit = fresh.info().lastExit;
  if (exit === null) return `it was not ready within ${Math.round(timeoutMs / 1000)} s`;
  if (exit.signal !== null) return `it was killed by ${exit.signal} before it was ready (see its last lines)`;
  return `it exited with code ${exit.code} before it was ready`;
}

function cancelled(service: ServiceRuntime): boolean {
  return service.removing || service.record.desired !== 'running';
}

function rollCancelled(name: string): HerveError {
  return new HerveError('conflict', `the rolling restart of ${name} stopped: the service was stopped meanwhile`);
}

function rollFailed(name: string, index: number, why: string, lines: string[], overlap: boolean): HerveError {
  const kept = overlap ? 'the old instances keep serving' : 'the old instance was started again in its place (a fixed port allows no overlap)';
  const tail = lines.length === 0 ? '' : `\nlast lines of ${name}[${index}]:\n${lines.map((line) => `  ${line}`).join('\n')}`;
  return new HerveError(
    'roll_failed',
    `rolling restart of ${name} stopped: the new instance ${name}[${index}] failed — ${why}; ${kept}${tail}`,
    `fix it, then try again: herve restart --rolling ${name} (all its lines: herve logs ${name})`,
  );
}

/** Add or remove instances until there are `replicas`; removed ones are drained first, added ones started when the service runs. */
export async function scaleInstances(service: ServiceRuntime, replicas: number, deps: RollDeps): Promise<void> {
  while (service.instances.length > replicas) {
    const last = service.instances.at(-1);
    if (last === undefined) break;
    if (last instanceof Instance) await retire(service, last, deps, true);
    else await last.stop();
    service.removeInstance(last);
  }
  const added: ServiceInstance[] = [];
  while (service.instances.length < replicas) added.push(service.addInstance());
  if (service.record.desired === 'running') await Promise.all(added.map((instance) => instance.start()));
}
