import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthSpec, RestartSpec } from '../../../protocol/index.js';
import { Registry, type ServiceRecord } from '../../../daemon/registry/registry.js';
import { firstItems } from '../../helpers/item-at.js';

const open: Registry[] = [];
const dirs: string[] = [];
afterEach(() => {
  open.splice(0).forEach((registry) => {
    registry.close();
  });
  dirs.splice(0).forEach((dir) => {
    rmSync(dir, { recursive: true, force: true });
  });
});

function freshFile(): string {
  const dir = mkdtempSync('/tmp/hv-');
  dirs.push(dir);
  return join(dir, 'state.db');
}

function registryAt(file = freshFile()): { registry: Registry; file: string } {
  const registry = new Registry(file);
  open.push(registry);
  return { registry, file };
}

function record(name: string, createdAt = 1): ServiceRecord {
  return {
    uuid: crypto.randomUUID(),
    name,
    type: 'command',
    description: 'a test service',
    command: '/bin/true',
    args: ['--flag', 'with space'],
    cwd: null,
    env: { MODE: 'test' },
    options: {},
    replicas: 2,
    health: HealthSpec.parse({}),
    restart: RestartSpec.parse({ policy: 'on-failure' }),
    port: null,
    route: { path: `/${name}`, hosts: [] },
    stop: { signal: 'SIGTERM', graceMs: 5000 },
    watch: null,
    source: null,
    dependsOn: [],
    desired: 'running',
    createdAt,
    restarts: 0,
  };
}

describe('registry', () => {
  it('stores services and reads them back, across a reopen', () => {
    const { registry, file } = registryAt();
    const api = record('api', 1);
    registry.insertService(api);
    registry.insertService(record('web', 2));
    registry.setDesired(api.uuid, 'stopped');
    registry.setRestarts(api.uuid, 3);
    registry.close();
    open.pop();
    const reopened = registryAt(file).registry;
    const [first, second] = firstItems(reopened.listServices(), 2);
    expect(first).toEqual({ ...api, desired: 'stopped', restarts: 3 });
    expect(second.name).toBe('web');
  });

  it('refuses a duplicate name', () => {
    const { registry } = registryAt();
    registry.insertService(record('api'));
    expect(() => registry.insertService(record('api'))).toThrow(/UNIQUE/);
  });

  it('forgets an instance only when the record still names that pid', () => {
    const { registry } = registryAt();
    const api = record('api');
    registry.insertService(api);
    registry.recordInstance({ serviceUuid: api.uuid, index: 0, pid: 100, pgid: 100, port: 4000, startTime: '42' });
    registry.recordInstance({ serviceUuid: api.uuid, index: 0, pid: 200, pgid: 200, port: 4001, startTime: '43' });
    registry.forgetInstance(api.uuid, 0, 100);
    expect(registry.listInstances()).toEqual([
      { serviceUuid: api.uuid, index: 0, pid: 200, pgid: 200, port: 4001, startTime: '43', monitorPid: null, monitorStartTime: null },
    ]);
    registry.recordInstance({ serviceUuid: api.uuid, index: 1, pid: 300, pgid: 300, port: 4002, startTime: '44', monitorPid: 299, monitorStartTime: '41' });
    expect(registry.listInstances()[1]).toMatchObject({ pid: 300, monitorPid: 299, monitorStartTime: '41' });
    registry.deleteService(api.uuid);
    expect(registry.listInstances()).toEqual([]);
    expect(registry.listServices()).toEqual([]);
  });
});
