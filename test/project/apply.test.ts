import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApplyResult, ServiceInfo } from '../../protocol/index.js';
import { loadProjectFile } from '../../cli/project/project-load.js';
import { cleanUpAfterEach, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import { itemAt } from '../helpers/item-at.js';

const pids = new Set<number>();
cleanUpAfterEach(pids);
const dir = mkdtempSync('/tmp/hv-apply-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HTTP_OK = join(FIXTURES_DIR, 'http-ok.mjs');
const file = join(dir, 'herve.yaml');

async function apply(daemon: TestDaemon, yaml: string, dryRun = false): Promise<ApplyResult> {
  writeFileSync(file, yaml);
  const project = loadProjectFile(file);
  return daemon.client.call('apply', { file: project.file, services: project.services, dryRun, reason: 'test' });
}

async function services(daemon: TestDaemon): Promise<Map<string, ServiceInfo>> {
  const { services: list } = await daemon.client.call('list');
  for (const service of list) for (const instance of service.instances) if (instance.pid) pids.add(instance.pid);
  return new Map(list.map((service) => [service.name, service]));
}

const pidsOf = (service: ServiceInfo | undefined) => service?.instances.map((instance) => instance.pid);
const actions = (result: ApplyResult) => Object.fromEntries(result.changes.map((change) => [change.name, change.action]));

const BASE = `services:
  api:
    command: [node, ${HTTP_OK}]
    env: { MODE: dev }
  web:
    command: [node, ${HTTP_OK}]
    replicas: 2
`;

describe('apply a project file (real daemon)', () => {
  it('adds, then leaves unchanged services alone (same pids), and tells each diff case apart', async () => {
    const daemon = await startDaemon();
    expect(actions(await apply(daemon, BASE))).toEqual({ api: 'add', web: 'add' });
    const first = await services(daemon);
    expect(first.get('api')).toMatchObject({ status: 'running', source: file });
    expect(first.get('web')?.instances.every((instance) => instance.ready)).toBe(true);

    const again = await apply(daemon, BASE);
    expect(actions(again)).toEqual({ api: 'unchanged', web: 'unchanged' });
    const second = await services(daemon);
    expect(pidsOf(second.get('api'))).toEqual(pidsOf(first.get('api')));
    expect(pidsOf(second.get('web'))).toEqual(pidsOf(first.get('web')));

    const changed = BASE.replace('MODE: dev', 'MODE: prod').replace('replicas: 2', 'replicas: 3');
    const preview = await apply(daemon, `${changed}  extra:\n    command: [node, ${HTTP_OK}, --flag]\n`, true);
    expect(actions(preview)).toEqual({ api: 'change', web: 'change', extra: 'add' });
    expect(preview.changes.find((change) => change.name === 'api')?.fields).toEqual([{ field: 'env.MODE', from: '•••', to: '•••' }]);
    expect(preview.changes.find((change) => change.name === 'web')?.fields).toEqual([{ field: 'replicas', from: '2', to: '3' }]);
    // A dry run changes nothing.
    expect(pidsOf((await services(daemon)).get('api'))).toEqual(pidsOf(first.get('api')));

    const commandChange = await apply(daemon, BASE.replace(`command: [node, ${HTTP_OK}]\n    env`, `command: [node, ${HTTP_OK}, --verbose]\n    env`), true);
    expect(commandChange.changes.find((change) => change.name === 'api')?.fields).toContainEqual({
      field: 'args',
      from: JSON.stringify([HTTP_OK]),
      to: JSON.stringify([HTTP_OK, '--verbose']),
    });

    const applied = await apply(daemon, changed);
    expect(actions(applied)).toEqual({ api: 'change', web: 'change' });
    const third = await services(daemon);
    expect(third.get('api')?.env.MODE).toBe('prod');
    expect(third.get('web')?.replicas).toBe(3);

    const removed = await apply(daemon, `services:\n  web:\n    command: [node, ${HTTP_OK}]\n    replicas: 3\n`);
    expect(actions(removed)).toEqual({ web: 'unchanged', api: 'remove' });
    const fourth = await services(daemon);
    expect(fourth.has('api')).toBe(false);
    expect(pidsOf(fourth.get('web'))).toEqual(pidsOf(third.get('web')));
  });

  it('starts services after their dependencies complete, and refuses a cycle or a hand-registered name with nothing changed', async () => {
    const daemon = await startDaemon();
    const marker = join(dir, 'migrated');
    rmSync(marker, { force: true });
    const migrate = `node -e "setTimeout(() => require('fs').writeFileSync('${marker}', 'x'), 500)"`;
    // api exits 1 (and would be restarted) if it starts before the migration finished.
    const api = `node -e "if (!require('fs').existsSync('${marker}')) process.exit(1); import('${HTTP_OK}')"`;
    const result = await apply(
      daemon,
      `services:\n  api:\n    command: ${JSON.stringify(api)}\n    depends_on: { migrate: completed_successfully }\n  migrate:\n    command: ${JSON.stringify(migrate)}\n    restart: never\n    health: none\n    route: false\n`,
    );
    expect(result.changes.map((change) => change.name)).toEqual(['migrate', 'api']);
    const listed = await services(daemon);
    expect(listed.get('api')).toMatchObject({ status: 'running', restarts: 0 });
    expect(itemAt(listed.get('migrate')?.instances, 0).lastExit?.code).toBe(0);

    const cycle = apply(daemon, `services:\n  a:\n    type: echo\n    depends_on: [b]\n  b:\n    type: echo\n    depends_on: [a]\n`);
    await expect(cycle).rejects.toThrow('depends_on has a cycle: a → b → a');

    await daemon.client.call('register', { type: 'echo', name: 'hand' });
    const taken = daemon.client.call('apply', { file, services: [{ spec: { type: 'echo', name: 'hand' }, dependsOn: {} }], reason: 'test' });
    await expect(taken).rejects.toThrow(/"hand" already exists \(registered by hand\)/);
    const after = await services(daemon);
    expect(after.get('hand')?.source).toBeNull();
    expect(pidsOf(after.get('api'))).toEqual(pidsOf(listed.get('api')));
    await waitFor(async () => (await daemon.client.call('project')).lastReload?.reason === 'test');
  });

  it('stops a service before what it depends on, and a restarted daemon starts them in depends_on order', async () => {
    const first = await startDaemon();
    const order = join(dir, 'stop-order');
    const ready = join(dir, 'db-ready');
    rmSync(order, { force: true });
    // db is ready half a second after it starts; api, once stopping, takes a second to finish.
    const db = `trap "echo db >> ${order}; exit 0" TERM; rm -f ${ready}; sleep 0.5; touch ${ready}; while :; do sleep 0.1; done`;
    const apiUp = join(dir, 'api-up');
    rmSync(apiUp, { force: true });
    const api = `trap "echo api-begin >> ${order}; sleep 1; echo api-end >> ${order}; exit 0" TERM; sleep 0.2; test -f ${ready} || exit 1; touch ${apiUp}; while :; do sleep 0.1; done`;
    await apply(
      first,
      `services:
  api:
    command: [sh, -c, ${JSON.stringify(api)}]
    health: none
    route: false
    depends_on: { db: healthy }
  db:
    command: [sh, -c, ${JSON.stringify(db)}]
    health: { exec: [test, -f, ${ready}], interval: 100ms }
    route: false
`,
    );
    const applied = await services(first);
    expect(applied.get('api')).toMatchObject({ status: 'running', restarts: 0, dependsOn: ['db'] });

    await waitFor(() => existsSync(apiUp), { message: 'api past its check' });
    expect(await first.stop()).toBe(0);
    const stopped = readFileSync(order, 'utf8').split('\n').filter(Boolean);
    expect(stopped).toContain('api-end');
    expect(stopped.indexOf('db'), stopped.join(' ')).toBeGreaterThan(stopped.lastIndexOf('api-end'));

    // api exits 1 if it starts before db is ready again (db removes its marker as it starts).
    const second = await startDaemon({ home: first.home });
    const restored = await waitFor(async () => {
      const listed = await services(second);
      return listed.get('api')?.status === 'running' && listed.get('db')?.instances[0]?.ready ? listed : null;
    });
    expect(restored.get('api')).toMatchObject({ restarts: 0 });
    expect(second.output()).not.toContain('api: could not start');
  });
});
