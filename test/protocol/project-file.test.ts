import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { projectJsonSchema } from '../../protocol/project-file.js';
import { loadProjectFile, parseProjectText, ProjectFileError } from '../../cli/project/project-load.js';
import { firstItems, itemAt } from '../helpers/item-at.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync('/tmp/hv-project-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(text: string, name = 'herve.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problems(text: string): string[] {
  try {
    loadProjectFile(write(text));
  } catch (error) {
    expect(error).toBeInstanceOf(ProjectFileError);
    return (error as ProjectFileError).problems;
  }
  throw new Error('expected the file to be refused');
}

describe('herve.yaml', () => {
  it('resolves a service: command words, env_file under env, paths against the file, durations, probes', () => {
    write('A=1\nB="two words"\nMODE=file\n', '.env');
    const { services } = loadProjectFile(
      write(`services:
  web:
    command: python3 -m http.server "$PORT"
    env_file: .env
    env: { MODE: dev, N: 3 }
    replicas: 2
    health: { http: /ready, interval: 1.5s, timeout: 500ms }
    restart: { policy: on-failure, backoff: { initial: 200ms, max: 1m } }
    stop: { signal: SIGINT, grace: 3s }
    route: { prefix: /web, hosts: [web.test] }
    watch: [src]
  site:
    type: static
    options: { root: public }
    route: false
    health: none
`),
    );
    const [web, site] = firstItems(services, 2);
    expect(web.spec).toMatchObject({
      type: 'command',
      command: 'python3',
      args: ['-m', 'http.server', '$PORT'],
      cwd: dir,
      env: { A: '1', B: 'two words', MODE: 'dev', N: '3' },
      replicas: 2,
      health: { path: '/ready', intervalMs: 1500, timeoutMs: 500 },
      restart: { policy: 'on-failure', backoffInitialMs: 200, backoffMaxMs: 60_000 },
      stop: { signal: 'SIGINT', graceMs: 3000 },
      route: { path: '/web', hosts: ['web.test'] },
      watch: { paths: ['src'] },
    });
    expect(site.spec).toMatchObject({ type: 'static', options: { root: join(dir, 'public') }, route: false, health: { path: null } });
  });

  it('names file, line and field for each problem', () => {
    expect(
      problems(`services:
  api:
    command: node server.js
    replicas: 65
    bogus: true
  worker:
    command: [node, worker.js]
    health:
      http: ready
      interval: soon
`),
    ).toEqual([
      'herve.yaml:4 services.api.replicas: expected a whole number from 1 to 64',
      'herve.yaml:5 services.api: unknown key "bogus"',
      'herve.yaml:9 services.worker.health.http: must start with /',
      'herve.yaml:10 services.worker.health.interval: expected milliseconds or a duration like 500ms, 2s, 1m',
    ]);
    expect(problems('services:\n  api:\n    replicas: "2"\n')[0]).toMatch(/^herve\.yaml:3 services\.api\.replicas: /);
    expect(problems('services:\n  Bad_Name:\n    type: echo\n')[0]).toMatch(/^herve\.yaml:2 services\.Bad_Name/);
    expect(problems('servces: {}\n')).toEqual([
      'herve.yaml:1 services: expected record, received undefined',
      'herve.yaml:1 (top level): unknown key "servces"',
    ]);
  });

  it('refuses text that is not YAML, a service with neither type nor command, and a 10 MB file', () => {
    expect(problems('services:\n  api: [unclosed\n')[0]).toMatch(/^herve\.yaml:\d+ not valid YAML: /);
    expect(problems('services:\n  api:\n    replicas: 2\n')).toEqual(['herve.yaml:2 services.api: needs a type (echo, static, sse, …) or a command']);
    expect(problems(`services: {}\n#${'x'.repeat(10 * 1024 * 1024)}\n`)[0]).toMatch(/too large for a project file/);
  });

  it('orders services by depends_on and names a cycle or an unknown dependency', () => {
    const ordered = loadProjectFile(
      write('services:\n  api:\n    type: echo\n    depends_on: { db: healthy }\n  db:\n    type: echo\n    depends_on: [cache]\n  cache:\n    type: echo\n'),
    );
    expect(ordered.services.map((entry) => entry.spec.name)).toEqual(['cache', 'db', 'api']);
    expect(itemAt(ordered.services, 2).dependsOn).toEqual({ db: 'healthy' });
    expect(problems('services:\n  a:\n    type: echo\n    depends_on: [b]\n  b:\n    type: echo\n    depends_on: [a]\n')).toEqual([
      'herve.yaml: depends_on has a cycle: a → b → a',
    ]);
    expect(problems('services:\n  a:\n    type: echo\n    depends_on: [ghost]\n')).toEqual([
      'herve.yaml:4 services.a.depends_on: no service named "ghost" in this file',
    ]);
  });
});

describe('the README', () => {
  it('has a full example that passes the schema and uses every service key, and names each key', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Project file'));
    const [, example] = /```yaml\n([\s\S]*?)```/.exec(section) ?? [];
    if (example === undefined) throw new Error('the README has no yaml example under ## Project file');
    const { data } = parseProjectText(example, 'README');
    const keys = Object.keys(
      (projectJsonSchema() as { properties: { services: { additionalProperties: { properties: object } } } }).properties.services.additionalProperties
        .properties,
    );
    const used = new Set(Object.values(data.services).flatMap((service) => Object.keys(service)));
    for (const key of keys) {
      expect(used.has(key), `the example uses ${key}`).toBe(true);
      expect(section, `the key table names ${key}`).toContain(`\`${key}\``);
    }
  });
});

describe('herve.schema.json', () => {
  const shipped = JSON.parse(readFileSync(join(root, 'herve.schema.json'), 'utf8')) as Record<string, unknown>;

  it('is what herve schema prints now (regenerate: node dist/cli/main.cjs schema > herve.schema.json)', () => {
    expect(shipped).toEqual(JSON.parse(JSON.stringify(projectJsonSchema())));
  });

  it('accepts the example files and rejects what the zod schema rejects', () => {
    const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(shipped);
    for (const example of ['examples/demo/herve.yaml', 'examples/stack/herve.yaml']) {
      expect(validate(parse(readFileSync(join(root, example), 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    }
    expect(validate({ services: { api: { command: 'x', replicas: 65 } } })).toBe(false);
    expect(validate({ services: { api: { command: 'x', bogus: 1 } } })).toBe(false);
  });
});
