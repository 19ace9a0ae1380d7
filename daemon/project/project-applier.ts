import {
  dependencyOrder,
  type ApplyParams,
  type ApplyResult,
  type DependsCondition,
  type Event,
  type ProjectEntry,
  type RegisterSpec,
  type ReloadInfo,
  type ServiceChange,
  type ServiceInfo,
} from '../../protocol/index.js';
import type { EventPublisher } from '../shared/contracts.js';
import { HerveError } from '../shared/errors.js';
import type { ServiceRecord } from '../registry/registry.js';
import { planChanges } from './project-diff.js';

/** What applying a project asks of the orchestrator. */
export interface ProjectControl {
  list(): ServiceInfo[];
  register(spec: RegisterSpec): Promise<ServiceInfo>;
  unregister(ref: string): Promise<unknown>;
  /** Replace a service's spec, rolling it with zero downtime when what runs changed. */
  update(ref: string, spec: RegisterSpec): Promise<unknown>;
  onEvent(listener: EventPublisher): () => void;
}

/** Longest a service waits for one dependency's condition before the apply stops. */
const DEPENDENCY_WAIT_MS = 60_000;

function met(condition: DependsCondition, service: ServiceInfo): boolean | 'failed' {
  switch (condition) {
    case 'started':
      return service.instances.some((instance) => instance.pid !== null || instance.lastExit !== null);
    case 'healthy':
      return service.status === 'crashed' ? 'failed' : service.instances.some((instance) => instance.ready);
    case 'completed_successfully': {
      const exits = service.instances.map((instance) => instance.lastExit).filter((exit) => exit !== null);
      if (exits.some((exit) => exit.code === 0)) return true;
      return service.status === 'crashed' || (service.status === 'stopped' && exits.length > 0) ? 'failed' : false;
    }
  }
}

/**
 * Applies project files: diff against what the same file registered before, then removes (reverse
 * registration order), adds and updates in dependency order, each service after its dependencies'
 * conditions hold. Unchanged services are not touched. One apply at a time.
 */
export class ProjectApplier {
  private lastReload: ReloadInfo | null = null;
  private readonly listeners = new Set<EventPublisher>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly control: ProjectControl,
    private readonly build: (spec: RegisterSpec) => ServiceRecord,
    private readonly log: (line: string) => void,
  ) {}

  onEvent(listener: EventPublisher): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  state(): { lastReload: ReloadInfo | null } {
    return { lastReload: this.lastReload };
  }

  apply(params: ApplyParams): Promise<ApplyResult> {
    const run = this.queue.then(() => this.applyNow(params));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow({ file, services, dryRun, reason }: ApplyParams): Promise<ApplyResult> {
    const entries = ordered(services.map((entry) => ({ ...entry, spec: { ...entry.spec, source: file } })));
    // Every spec is built (type known, cwd present, fixed port sane) before anything changes.
    const changes = planChanges(file, entries, this.control.list(), (entry) => this.build(entry.spec));
    if (dryRun) return { file, dryRun, changes };
    let error: string | null = null;
    try {
      await this.carryOut(entries, changes);
    } catch (failure) {
      error = (failure as Error).message;
      throw failure;
    } finally {
      this.record(file, reason, changes, error);
    }
    return { file, dryRun, changes };
  }

  private async carryOut(entries: ProjectEntry[], changes: ServiceChange[]): Promise<void> {
    const actionOf = new Map(changes.map((change) => [change.name, change.action]));
    const removed = this.control
      .list()
      .filter((service) => actionOf.get(service.name) === 'remove')
      .sort((a, b) => b.createdAt - a.createdAt);
    for (const service of removed) await this.control.unregister(service.uuid);
    for (const entry of entries) {
      await this.waitForDependencies(entry);
      const action = actionOf.get(entry.spec.name);
      if (action === 'add') await this.control.register(entry.spec);
      else if (action === 'change') await this.control.update(entry.spec.name, entry.spec);
    }
  }

  private async waitForDependencies(entry: ProjectEntry): Promise<void> {
    for (const [dependency, condition] of Object.entries(entry.dependsOn)) {
      await this.waitFor(dependency, condition, entry.spec.name);
    }
  }

  private waitFor(name: string, condition: DependsCondition, dependent: string): Promise<void> {
    const check = (): boolean => {
      const service = this.control.list().find((candidate) => candidate.name === name);
      const state = service ? met(condition, service) : 'failed';
      if (state === 'failed') {
        throw new HerveError(
          'conflict',
          `${dependent} depends on ${name} being ${condition.replaceAll('_', ' ')}, but ${name} is ${service?.status ?? 'gone'}`,
          `see why: herve logs ${name}`,
        );
      }
      return state;
    };
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void) => {
        clearTimeout(timer);
        unsubscribe();
        outcome();
      };
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(
              new HerveError(
                'conflict',
                `${dependent} waited ${DEPENDENCY_WAIT_MS / 1000} s for ${name} to be ${condition.replaceAll('_', ' ')}`,
                `see why: herve logs ${name}`,
              ),
            ),
          ),
        DEPENDENCY_WAIT_MS,
      );
      const unsubscribe = this.control.onEvent((event) => {
        if (event.event !== 'service' || event.data.name !== name) return;
        try {
          if (check()) finish(resolve);
        } catch (error) {
          finish(() => reject(error));
        }
      });
    });
  }

  private record(file: string, reason: string, changes: ServiceChange[], error: string | null): void {
    const count = (action: ServiceChange['action']) => changes.filter((change) => change.action === action).length;
    this.lastReload = {
      file,
      reason,
      at: Date.now(),
      added: count('add'),
      removed: count('remove'),
      changed: count('change'),
      unchanged: count('unchanged'),
      error,
    };
    this.log(
      `applied ${file} (${reason}): +${this.lastReload.added} -${this.lastReload.removed} ~${this.lastReload.changed} =${this.lastReload.unchanged}${error ? ` — stopped: ${error}` : ''}`,
    );
    const event: Event = { event: 'reload', data: this.lastReload };
    for (const listener of this.listeners) listener(event);
  }
}

function ordered(entries: ProjectEntry[]): ProjectEntry[] {
  try {
    return dependencyOrder(entries);
  } catch (error) {
    throw new HerveError('bad_request', (error as Error).message, 'break the cycle in depends_on', { cause: error });
  }
}
