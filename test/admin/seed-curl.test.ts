import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../proxy/fixtures/harness.js';

/** The seed README's curl lines, verbatim but for the port (tests never use fixed ports). Async: the server runs in this process. */
async function curl(harness: Harness, line: string): Promise<{ status: number; body: string }> {
  const args = line.replace(/^curl /, '').replaceAll('localhost:5000', `localhost:${harness.door.port}`);
  const { stdout: output } = await promisify(execFile)('sh', ['-c', `curl -s -w '\\n%{http_code}' ${args}`], { encoding: 'utf8' });
  const lines = output.split('\n');
  return { status: Number(lines.pop()), body: lines.join('\n') };
}

function hasCurl(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v curl'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasCurl())('the seed’s curl lines (skipped only when curl is not installed)', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness({ env: { AUTH_ADMIN_ID: 'admin', AUTH_ADMIN_SECRET: 'password' } });
  });

  afterAll(async () => {
    await harness.door.close();
  });

  it('register, list, stop, start, unregister', async () => {
    const registered = await curl(harness, 'curl -X POST http://localhost:5000/services/register -u admin:password -d "name=my-service&type=echo"');
    expect(registered.status).toBe(201);
    const { uuid } = JSON.parse(registered.body) as { uuid: string };

    const listed = await curl(harness, 'curl -u admin:password http://localhost:5000/services');
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body)).toMatchObject({ services: [{ uuid, name: 'my-service', type: 'echo', status: 'running' }] });

    expect((await curl(harness, `curl -X POST -u admin:password http://localhost:5000/services/${uuid}/stop`)).status).toBe(200);
    expect((await curl(harness, `curl -X POST -u admin:password http://localhost:5000/services/${uuid}/start`)).status).toBe(200);
    expect((await curl(harness, `curl -X POST -u admin:password http://localhost:5000/services/${uuid}/unregister`)).status).toBe(200);
    expect((await curl(harness, 'curl -u admin:wrong http://localhost:5000/services')).status).toBe(401);
  });
});
