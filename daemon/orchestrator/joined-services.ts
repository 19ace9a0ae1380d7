import { randomUUID } from 'node:crypto';
import { EXTERNAL_TYPE, HealthSpec, RestartSpec, type AnnounceParams, type InstanceInfo, type ServiceInfo } from '../../protocol/index.js';
import type { RouteTarget } from '../shared/contracts.js';
import type { ServiceLogs } from './context.js';
import { effectivePort, remoteUpstream } from './remote-upstream.js';

/** A member silent for this many of its TTLs is forgotten (it left routing after one). */
export const FORGET_AFTER_TTLS = 10;

const NO_PROBE = HealthSpec.parse({ path: null });
const NO_RESTART = RestartSpec.parse({ policy: 'never' });

interface Member {
  index: number;
  url: string;
  port: number;
  target: RouteTarget;
  joinedAt: number;
  lost: boolean;
  /** Fires when the announcement runs out (lost), then again when it is forgotten. */
  timer: NodeJS.Timeout;
}

/** One external service: the members that announce its name. */
class JoinedService {
  readonly uuid = randomUUID();
  readonly createdAt = Date.now();
  readonly members = new Map<string, Member>();
  private nextIndex = 0;

  constructor(readonly name: string) {}

  /** Stats see members as instances without a process. */
  get instances(): Array<{ index: number; currentPid(): null }> {
    return [...this.members.values()].map((member) => ({ index: member.index, currentPid: () => null }));
  }

  takeIndex(): number {
    return this.nextIndex++;
  }

  info(proxyPort: number | null): ServiceInfo {
    const members = [...this.members.values()];
    const instances: InstanceInfo[] = members.map((member) => ({
      index: member.index,
      pid: null,
      port: member.port,
      status: member.lost ? 'lost' : 'joined',
      ready: !member.lost,
      startedAt: member.joinedAt,
      restarts: 0,
      lastExit: null,
    }));
    return {
      uuid: this.uuid,
      name: this.name,
      type: EXTERNAL_TYPE,
      description: `joined by heartbeat: ${members.map((member) => member.url).join(', ')}`,
      command: '',
      args: [],
      cwd: null,
      env: {},
      options: {},
      replicas: members.length,
      health: NO_PROBE,
      restart: NO_RESTART,
      port: null,
      route: { path: `/${this.name}`, hosts: [] },
      stop: { signal: 'SIGTERM', graceMs: NO_RESTART.stopGraceMs },
      watch: null,
      source: null,
      dependsOn: [],
      roll: null,
      desired: 'running',
      status: members.some((member) => !member.lost) ? 'joined' : 'lost',
      instances,
      restarts: 0,
      createdAt: this.createdAt,
      url: proxyPort === null ? null : `http://localhost:${proxyPort}/${this.name}/`,
    };
  }
}

export interface JoinedServicesDeps {
  logs: ServiceLogs;
  changed(service: JoinedService): void;
  removed(service: { uuid: string; name: string }): void;
}

/**
 * Services Herve did not spawn, kept alive by announcements: each `announce` (re)starts a member's
 * TTL; a member whose TTL runs out is `lost` (out of routing), and is forgotten after
 * FORGET_AFTER_TTLS; `leave` removes at once. Several URLs under one name are its replicas.
 * In memory only: members announce again to a restarted daemon.
 */
export class JoinedServices {
  private readonly services = new Map<string, JoinedService>();

  constructor(private readonly deps: JoinedServicesDeps) {}

  has(name: string): boolean {
    return this.services.has(name);
  }

  get(name: string): JoinedService | undefined {
    return this.services.get(name);
  }

  all(): JoinedService[] {
    return [...this.services.values()];
  }

  announce({ name, url, ttl }: AnnounceParams): { name: string; url: string; ttl: number; members: number } {
    let service = this.services.get(name);
    if (!service) {
      service = new JoinedService(name);
      this.services.set(name, service);
    }
    const ttlMs = ttl * 1000;
    const existing = service.members.get(url);
    if (existing) {
      clearTimeout(existing.timer);
      existing.timer = this.expireLater(service, existing, ttlMs);
      if (existing.lost) {
        existing.lost = false;
        this.deps.logs.system(name, existing.index, `${url} is back`);
        this.deps.changed(service);
      }
    } else {
      const index = service.takeIndex();
      const member: Member = {
        index,
        url,
        port: effectivePort(new URL(url)),
        target: { service: name, instance: index, port: effectivePort(new URL(url)), upstream: remoteUpstream(url) },
        joinedAt: Date.now(),
        lost: false,
        timer: undefined as unknown as NodeJS.Timeout,
      };
      member.timer = this.expireLater(service, member, ttlMs);
      service.members.set(url, member);
      this.deps.logs.system(name, index, `${url} joined (ttl ${ttl} s)`);
      this.deps.changed(service);
    }
    return { name, url, ttl, members: service.members.size };
  }

  leave(name: string, url?: string): number {
    const service = this.services.get(name);
    if (!service) return 0;
    const leaving = url === undefined ? [...service.members.values()] : [service.members.get(url)].filter((member) => member !== undefined);
    for (const member of leaving) this.drop(service, member, 'left');
    return leaving.length;
  }

  /** Ready members' targets; undefined when no such service. */
  targets(name: string): RouteTarget[] | undefined {
    const service = this.services.get(name);
    if (!service) return undefined;
    return [...service.members.values()].filter((member) => !member.lost).map((member) => member.target);
  }

  close(): void {
    for (const service of this.services.values()) for (const member of service.members.values()) clearTimeout(member.timer);
    this.services.clear();
  }

  private expireLater(service: JoinedService, member: Member, ttlMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      member.lost = true;
      this.deps.logs.system(service.name, member.index, `${member.url} lost: no announcement for ${ttlMs / 1000} s`);
      this.deps.changed(service);
      member.timer = setTimeout(
        () => this.drop(service, member, `forgotten after ${(ttlMs * FORGET_AFTER_TTLS) / 1000} s of silence`),
        ttlMs * (FORGET_AFTER_TTLS - 1),
      );
      member.timer.unref();
    }, ttlMs);
    timer.unref();
    return timer;
  }

  private drop(service: JoinedService, member: Member, why: string): void {
    clearTimeout(member.timer);
    service.members.delete(member.url);
    this.deps.logs.system(service.name, member.index, `${member.url} ${why}`);
    if (service.members.size > 0) {
      this.deps.changed(service);
      return;
    }
    this.services.delete(service.name);
    this.deps.removed({ uuid: service.uuid, name: service.name });
  }
}
