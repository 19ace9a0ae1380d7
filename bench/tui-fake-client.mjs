// @ts-check
// An in-memory DaemonClient for the render benchmarks: any number of services, events on demand.
// Services go through the protocol's own schema, so fields added since get their defaults.
import { ServiceInfo } from '../dist/protocol/service.js';

const health = { path: '/health', intervalMs: 1000, timeoutMs: 1000, healthyThreshold: 1, unhealthyThreshold: 3, restartAfterMs: 10000, startTimeoutMs: 30000 };
const restart = { policy: 'always', backoffInitialMs: 100, backoffMaxMs: 30000, crashLoopLimit: 5, crashLoopWindowMs: 60000, stopGraceMs: 5000 };

/** @typedef {{ event: string; data: { service?: string } & Record<string, unknown> }} FakeEvent */
/** @typedef {ReturnType<typeof makeServices>[number]} FakeService */

/** @param {number} count */
export function makeServices(count) {
  return Array.from({ length: count }, (_, i) => {
    const name = `svc-${String(i).padStart(2, '0')}`;
    return ServiceInfo.parse({
      uuid: `uuid-${i}`,
      name,
      type: 'echo',
      description: `${name} service`,
      command: 'node',
      args: [`${name}.js`],
      cwd: null,
      env: {},
      options: {},
      replicas: 1,
      health,
      restart,
      desired: 'running',
      status: 'running',
      instances: [{ index: 0, pid: 10000 + i, port: 40000 + i, status: 'running', ready: true, startedAt: Date.now() - 60000, restarts: 0, lastExit: null }],
      restarts: 0,
      createdAt: Date.now(),
      url: `http://localhost:5000/${name}/`,
    });
  });
}

export class FakeDaemon {
  /** @param {FakeService[]} services */
  constructor(services) {
    this.services = services;
    /** @type {Set<FakeConnection>} */
    this.connections = new Set();
  }

  connect = async () => {
    const connection = new FakeConnection(this);
    this.connections.add(connection);
    return connection;
  };

  /** @param {FakeEvent} event */
  emit(event) {
    for (const connection of this.connections) connection.deliver(event);
  }

  /** @param {number} tick */
  stats(tick) {
    this.emit({
      event: 'stats',
      data: {
        at: Date.now(),
        daemon: { pid: 1, uptimeMs: 60000 + tick * 1000, cpuPercent: 0.5, rssBytes: 50e6 },
        services: this.services.map((service, i) => ({
          name: service.name,
          cpuPercent: (tick + i) % 7,
          rssBytes: 40e6 + tick * 1000,
          instances: [],
          requests: { total: tick, ratePerSec: (tick * (i + 1)) % 50, errors5xx: 0, errorRate: 0, p50Ms: 1, p90Ms: 2, p99Ms: 3 + (tick % 5), bytesOut: 0 },
        })),
      },
    });
  }

  /**
   * @param {string} service
   * @param {string} line
   */
  log(service, line) {
    this.emit({ event: 'log', data: { service, instance: 0, stream: 'stdout', at: Date.now(), line } });
  }
}

class FakeConnection {
  /** @param {FakeDaemon} daemon */
  constructor(daemon) {
    this.daemon = daemon;
    /** @type {Set<string>} */
    this.topics = new Set();
    /** @type {Set<(event: FakeEvent) => void>} */
    this.listeners = new Set();
    /** @type {Set<() => void>} */
    this.closeListeners = new Set();
  }

  /**
   * @param {string} method
   * @param {{ topics?: string[] }} [params]
   */
  async call(method, params = {}) {
    switch (method) {
      case 'list':
        return { services: this.daemon.services };
      case 'types':
        return { types: [{ name: 'echo', description: 'echo', options: {} }] };
      case 'ping':
        return { pong: true, pid: 1, uptimeMs: 60000 };
      case 'logs':
        return { lines: [] };
      case 'project':
        return { lastReload: null };
      case 'subscribe':
        (params.topics ?? []).forEach((topic) => {
          this.topics.add(topic);
        });
        return { topics: params.topics ?? [] };
      default:
        throw new Error(`bench fake has no ${method}`);
    }
  }

  /** @param {string[]} topics */
  async subscribe(topics) {
    await this.call('subscribe', { topics });
  }

  /** @param {(event: FakeEvent) => void} listener */
  onEvent(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** @param {() => void} listener */
  onClose(listener) {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close() {
    this.daemon.connections.delete(this);
    for (const listener of this.closeListeners) listener();
  }

  /** @param {FakeEvent} event */
  deliver(event) {
    const wanted =
      event.event === 'log'
        ? this.topics.has('logs') || this.topics.has(`logs:${event.data.service}`)
        : this.topics.has(event.event === 'stats' ? 'stats' : 'services');
    if (wanted) for (const listener of this.listeners) listener(event);
  }
}
