import { describe, expect, it } from 'vitest';
import { HealthSpec, RestartSpec } from '../../protocol/index.js';
import { renderCompose } from '../../cli/export/compose.js';
import type { ExportOptions, ExportSelection, ExportService } from '../../cli/export/export-model.js';
import { renderKubernetes } from '../../cli/export/kubernetes.js';
import { systemdUnits } from '../../cli/export/systemd.js';
import { parseCompose, parseKubernetes, parseUnit } from './parse-exports.js';

function service(name: string, overrides: Partial<ExportService> = {}): ExportService {
  return {
    name,
    type: 'command',
    description: `${name} service`,
    command: '/usr/bin/env',
    args: ['node', `${name}.js`],
    cwd: null,
    env: {},
    replicas: 1,
    health: HealthSpec.parse({}),
    restart: RestartSpec.parse({}),
    route: { path: `/${name}`, hosts: [] },
    dependsOn: [],
    ...overrides,
  };
}

// What a herve.yaml can say and the registry cannot: dependencies and resources.
const selection: ExportSelection = {
  services: [
    service('db', { health: HealthSpec.parse({ path: null }) }),
    service('cache'),
    service('migrate', { restart: RestartSpec.parse({ policy: 'never' }) }),
    service('api', {
      dependsOn: [
        { name: 'db', condition: 'healthy' },
        { name: 'cache', condition: 'healthy' },
        { name: 'migrate', condition: 'completed_successfully' },
      ],
      resources: { cpu: '500m', memory: '256Mi' },
    }),
  ],
  skipped: [{ name: 'upstream', reason: 'type proxy: Herve does not run it' }],
};
const options: ExportOptions = { images: {}, includeEnv: true };

describe('export renderers with dependencies and resources', () => {
  it('k8s: resources become requests and limits; the output stays valid', () => {
    const text = renderKubernetes(selection, { ...options, gateway: 'herve', domain: 'localhost' });
    expect(text).toContain('# Skipped upstream (type proxy: Herve does not run it).');
    const api = parseKubernetes(text).find((object) => object.kind === 'Deployment' && object.metadata.name === 'api') as any;
    expect(api.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
  });

  it('k8s validation is real: a broken object is refused', () => {
    const text = renderKubernetes(selection, { ...options, gateway: 'herve', domain: 'localhost' }).replace('replicas: 1', 'replicas: one');
    expect(() => parseKubernetes(text)).toThrow(/replicas/);
  });

  it('compose: depends_on waits for healthy dependencies, started ones without a probe; limits in Compose units', () => {
    const compose = parseCompose(renderCompose(selection, { ...options, basePort: 8001 }));
    expect(compose.services.api.depends_on).toEqual({
      db: { condition: 'service_started' },
      cache: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(compose.services.api.deploy.resources.limits).toEqual({ cpus: '0.5', memory: '256m' });
    expect(() => parseCompose(renderCompose(selection, { ...options, basePort: 8001 }).replace('target: 8080', 'target: [8080]'))).toThrow(/Compose spec/);
  });

  it('systemd: After= and Requires= name the units of the dependencies', () => {
    const api = systemdUnits(selection, { ...options, basePort: 8001 }).find((unit) => unit.fileName === 'herve-api.service')!;
    const parsed = parseUnit(api.text);
    expect(parsed.Unit?.After).toEqual(['network.target herve-db.service herve-cache.service herve-migrate.service']);
    expect(parsed.Unit?.Requires).toEqual(['herve-db.service herve-cache.service herve-migrate.service']);
  });
});
