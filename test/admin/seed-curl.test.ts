import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertProcessGone, cleanUpAfterEach, isAlive } from '../helpers/daemon.js';
import { requireTool } from '../helpers/required-tool.js';
import { pidsOf, startAdminDaemon, type AdminDaemon } from './admin-daemon.js';
import { itemAt } from '../helpers/item-at.js';

/** One of the README's curl lines, verbatim but for the port (tests never use fixed ports) and the uuid. */
async function curl(admin: AdminDaemon, line: string, uuid = ':uuid'): Promise<{ status: number; body: string }> {
  const args = line
    .replace(/^curl /, '')
    .replaceAll('localhost:5000', `localhost:${admin.port}`)
    .replaceAll(':uuid', uuid);
  const { stdout: output } = await promisify(execFile)('sh', ['-c', `curl -s -w '\\n%{http_code}' ${args}`], { encoding: 'utf8' });
  const lines = output.split('\n');
  return { status: Number(lines.pop()), body: lines.join('\n') };
}

const seenPids = new Set<number>();
cleanUpAfterEach(seenPids);

describe('the README’s curl lines against a real daemon started with AUTH_ADMIN_ID=admin AUTH_ADMIN_SECRET=password', () => {
  beforeAll(() => requireTool('curl'));

  it('register, list, stop, start, restart, unregister: each does to the processes what it says', async () => {
    const admin = await startAdminDaemon();
    const registered = await curl(admin, 'curl -X POST http://localhost:5000/services/register -u admin:password -d "name=my-service&type=echo"');
    expect(registered.status, registered.body).toBe(201);
    const { uuid } = JSON.parse(registered.body) as { uuid: string };
    const firstPid = itemAt(pidsOf(await admin.waitForService(uuid, (info) => info.status === 'running', 'my-service running')), 0);
    seenPids.add(firstPid);

    const listed = await curl(admin, 'curl -u admin:password http://localhost:5000/services');
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toMatchObject({ services: [{ uuid, name: 'my-service', type: 'echo', status: 'running' }] });
    expect((await fetch(`${admin.url}/my-service/`)).status).toBe(200);

    const stopped = await curl(admin, 'curl -X POST -u admin:password http://localhost:5000/services/:uuid/stop', uuid);
    expect(stopped.status).toBe(200);
    expect(JSON.parse(stopped.body)).toMatchObject({ status: 'stopped' });
    await assertProcessGone(firstPid);
    expect((await fetch(`${admin.url}/my-service/`)).status).toBe(503);

    expect((await curl(admin, 'curl -X POST -u admin:password http://localhost:5000/services/:uuid/start', uuid)).status).toBe(200);
    const secondPid = itemAt(pidsOf(await admin.waitForService(uuid, (info) => info.status === 'running', 'my-service running again')), 0);
    seenPids.add(secondPid);
    expect(secondPid).not.toBe(firstPid);
    expect((await fetch(`${admin.url}/my-service/`)).status).toBe(200);

    expect((await curl(admin, 'curl -X POST -u admin:password http://localhost:5000/services/:uuid/restart', uuid)).status).toBe(200);
    const thirdPid = itemAt(
      pidsOf(await admin.waitForService(uuid, (info) => info.status === 'running' && pidsOf(info)[0] !== secondPid, 'my-service restarted')),
      0,
    );
    seenPids.add(thirdPid);
    await assertProcessGone(secondPid);

    expect((await curl(admin, 'curl -X POST -u admin:password http://localhost:5000/services/:uuid/unregister', uuid)).status).toBe(200);
    await assertProcessGone(thirdPid);
    expect(JSON.parse((await curl(admin, 'curl -u admin:password http://localhost:5000/services')).body)).toEqual({ services: [] });
  });

  it('wrong credentials get 401 and leave the service running', async () => {
    const admin = await startAdminDaemon();
    const info = await admin.daemon.client.call('register', { type: 'echo', name: 'my-service' });
    const pid = itemAt(pidsOf(info), 0);
    seenPids.add(pid);
    expect((await curl(admin, 'curl -u admin:wrong http://localhost:5000/services')).status).toBe(401);
    expect((await curl(admin, 'curl -X POST -u admin:wrong http://localhost:5000/services/:uuid/stop', info.uuid)).status).toBe(401);
    expect(isAlive(pid)).toBe(true);
    expect(await admin.daemon.client.call('get', { service: 'my-service' })).toMatchObject({ desired: 'running' });
  });
});
