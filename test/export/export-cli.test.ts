import { execa } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, herve, makeHome, repoRoot, stopAndProve } from '../cli/harness.js';
import { parseCompose, parseKubernetes, parseUnit, unitWords, type KubeObject } from './parse-exports.js';
import { itemAt } from '../helpers/item-at.js';

const TRICKY = 's3cr%t "quoted" $HOME \\x';

describe("herve export, from a real daemon's registry", () => {
  const home = makeHome();
  const out = mkdtempSync('/tmp/hv-export-');

  beforeAll(async () => {
    ensureBuilt();
    const up = await herve(home, ['up', '--port', '0']);
    expect(up.exitCode, up.stderr).toBe(0);
    const registrations = [
      ['register', 'echo', '--name', 'web', '--replicas', '2', '--env', `TOKEN=${TRICKY}`, '--no-start'],
      ['register', 'command', '--name', 'api', '--health', '/ready', '--restart', 'on-failure', '--no-start', '--', 'node', 'server.js', '--greeting', 'a b'],
      ['register', 'sse', '--name', 'ticks', '--health', 'none', '--restart', 'never', '--no-start'],
    ];
    for (const args of registrations) {
      const result = await herve(home, args);
      expect(result.exitCode, result.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await stopAndProve(home);
    rmSync(out, { recursive: true, force: true });
  });

  const byKindAndName = (objects: KubeObject[], kind: string, name: string): any => {
    const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
    expect(found, `${kind} ${name}`).toBeDefined();
    return found;
  };

  it('k8s: a Deployment, a Service and two HTTPRoutes per service, env in a Secret, all valid objects', async () => {
    const result = await herve(home, ['export', 'k8s', '--image', 'web=ghcr.io/acme/web:1.2', '--domain', 'apps.example.com', '--gateway', 'front']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^# .*environment values/m);
    const objects = parseKubernetes(result.stdout);
    expect(
      objects
        .filter((object) => object.kind === 'Deployment')
        .map((object) => object.metadata.name)
        .sort(),
    ).toEqual(['api', 'ticks', 'web']);

    const web = byKindAndName(objects, 'Deployment', 'web');
    expect(web.spec.replicas).toBe(2);
    const container = web.spec.template.spec.containers[0];
    expect(container.image).toBe('ghcr.io/acme/web:1.2');
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' }, periodSeconds: 2, failureThreshold: 3 });
    // 3 failures to unhealthy, then 10 s of 2 s probes before Herve would restart it.
    expect(container.livenessProbe.failureThreshold).toBe(8);
    expect(container.envFrom).toEqual([{ secretRef: { name: 'web-env' } }]);
    expect(container.env).toEqual([
      { name: 'PORT', value: '8080' },
      { name: 'HERVE_SERVICE', value: 'web' },
    ]);
    expect(byKindAndName(objects, 'Secret', 'web-env').stringData).toEqual({ TOKEN: TRICKY });

    const api = byKindAndName(objects, 'Deployment', 'api').spec.template.spec.containers[0];
    expect(api.image).toBe('change-me.invalid/api:latest');
    expect(api.command).toEqual(['node', 'server.js', '--greeting', 'a b']);
    expect(api.readinessProbe.httpGet.path).toBe('/ready');
    const ticks = byKindAndName(objects, 'Deployment', 'ticks').spec.template.spec.containers[0];
    expect(ticks.readinessProbe).toBeUndefined();

    expect(byKindAndName(objects, 'Service', 'web').spec).toMatchObject({
      selector: { 'app.kubernetes.io/name': 'web' },
      ports: [{ port: 80, targetPort: 'http' }],
    });
    const path = byKindAndName(objects, 'HTTPRoute', 'web-path').spec;
    expect(path.parentRefs).toEqual([{ name: 'front' }]);
    expect(path.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/web' } }]);
    expect(path.rules[0].filters[0]).toEqual({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } });
    expect(path.rules[0].backendRefs).toEqual([{ name: 'web', port: 80 }]);
    expect(byKindAndName(objects, 'HTTPRoute', 'web-host').spec.hostnames).toEqual(['web.apps.example.com']);
  });

  it('k8s --no-env: no Secret and no env value anywhere', async () => {
    const result = await herve(home, ['export', 'k8s', '--no-env']);
    expect(result.exitCode, result.stderr).toBe(0);
    const objects = parseKubernetes(result.stdout);
    expect(objects.some((object) => object.kind === 'Secret')).toBe(false);
    expect(result.stdout).not.toContain('s3cr');
  });

  it('compose: valid against the Compose spec schema, with healthchecks, ports and restart policies', async () => {
    const file = join(out, 'compose.yaml');
    const result = await herve(home, ['export', 'compose', '--out', file, '--base-port', '9100']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const compose = parseCompose(readFileSync(file, 'utf8'));
    expect(Object.keys(compose.services)).toEqual(['web', 'api', 'ticks']);
    const { web, api, ticks } = compose.services;
    expect(web.environment).toEqual({ PORT: '8080', HERVE_SERVICE: 'web', TOKEN: TRICKY });
    expect(web.deploy.replicas).toBe(2);
    expect(web.ports).toEqual([{ target: 8080, host_ip: '127.0.0.1', published: '9100-9101' }]);
    expect(web.healthcheck).toMatchObject({ interval: '2s', timeout: '1s', retries: 3, start_period: '30s' });
    expect(web.healthcheck.test[1]).toContain('http://127.0.0.1:8080/health');
    expect(api.ports[0].published).toBe('9102');
    expect(api.restart).toBe('on-failure');
    expect(ticks.restart).toBe('no');
    expect(ticks.healthcheck).toBeUndefined();
  });

  it('systemd: one unit per service (a template for replicas) that systemd-analyze verifies and whose values read back exactly', async () => {
    const dir = join(out, 'units');
    const result = await herve(home, ['export', 'systemd', '--out', dir, '--base-port', '9200']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['herve-api.service', 'herve-ticks.service', 'herve-web@.service']);

    const web = parseUnit(readFileSync(join(dir, 'herve-web@.service'), 'utf8'));
    const env = Object.fromEntries(
      (web.Service?.Environment ?? [])
        .flatMap((line) => unitWords(line, false))
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    );
    expect(env).toEqual({ PORT: '%i', HERVE_SERVICE: 'web', TOKEN: TRICKY });
    expect(web.Service?.Restart).toEqual(['always']);
    const api = parseUnit(readFileSync(join(dir, 'herve-api.service'), 'utf8'));
    expect(unitWords(itemAt(api.Service?.ExecStart, 0), true)).toEqual(['node', 'server.js', '--greeting', 'a b']);
    expect(api.Service?.Restart).toEqual(['on-failure']);
    expect(api.Service?.WorkingDirectory).toBeDefined();
    expect(parseUnit(readFileSync(join(dir, 'herve-ticks.service'), 'utf8')).Service?.Restart).toEqual(['no']);

    // systemd's own parser: a template is verified through one of its instances.
    const verify = await execa('systemd-analyze', ['verify', '--man=no', 'herve-api.service', 'herve-ticks.service', 'herve-web@9200.service'], {
      cwd: dir,
      reject: false,
      env: { SYSTEMD_LOG_LEVEL: 'warning' },
    }).catch((error: Error) => ({ exitCode: -1, stderr: `systemd-analyze is needed (apt-get install systemd): ${error.message}` }));
    expect(verify.exitCode, verify.stderr).toBe(0);
  }, 60_000);

  it('refuses an unknown format and an --image for a service that is not there', async () => {
    const format = await herve(home, ['export', 'helm']);
    expect(format.exitCode).toBe(2);
    expect(format.stderr).toContain('choose one of: k8s, compose, systemd');
    const image = await herve(home, ['export', 'k8s', '--image', 'nope=x']);
    expect(image.exitCode).toBe(2);
    expect(image.stderr).toContain('nope');
  });
});

describe('herve export -f herve.yaml', () => {
  const home = makeHome();
  const file = join(repoRoot, 'examples', 'stack', 'herve.yaml');

  beforeAll(async () => {
    ensureBuilt();
    const up = await herve(home, ['up', '--port', '0', '-f', file]);
    expect(up.exitCode, up.stderr).toBe(0);
  }, 90_000);
  afterAll(async () => {
    await stopAndProve(home);
  });

  it("exports the file's services as the daemon runs them, with its depends_on conditions and routes", async () => {
    const compose = await herve(home, ['export', 'compose', '-f', file]);
    expect(compose.exitCode, compose.stderr).toBe(0);
    const { services } = parseCompose(compose.stdout);
    expect(Object.keys(services).sort()).toEqual(['api', 'migrate', 'worker']);
    expect(services.api.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' }, worker: { condition: 'service_started' } });
    expect(services.worker.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });

    const k8s = await herve(home, ['export', 'k8s', '-f', file]);
    expect(k8s.exitCode, k8s.stderr).toBe(0);
    const routes = parseKubernetes(k8s.stdout)
      .filter((object) => object.kind === 'HTTPRoute')
      .map((object) => object.metadata.name);
    // worker and migrate have `route: false`.
    expect(routes.sort()).toEqual(['api-host', 'api-path']);

    const units = await herve(home, ['export', 'systemd', '-f', file]);
    expect(units.stdout).toMatch(/After=network.target herve-migrate.service herve-worker.service/);
  });

  it('refuses a file whose services the daemon does not have', async () => {
    const dir = mkdtempSync('/tmp/hv-project-');
    try {
      const other = join(dir, 'herve.yaml');
      writeFileSync(other, 'services:\n  lonely:\n    type: echo\n');
      const result = await herve(home, ['export', 'k8s', '-f', other]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain('lonely');
      expect(result.stderr).toContain('herve reload');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
