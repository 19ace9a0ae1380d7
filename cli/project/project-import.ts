import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ProjectService } from '../../protocol/index.js';
import { UserError } from '../client/index.js';

/** A project translated from another tool's file, and what could not be carried over. */
export interface Imported {
  services: Record<string, ProjectService>;
  notes: string[];
}

const SHELL_SYNTAX = /[|&;<>()`$*?~]|\b(export|cd)\b/;

/** A command line as herve runs it: words, or through sh when it relies on the shell (pipes, &&, globs…). */
function commandOf(line: string): ProjectService['command'] {
  return SHELL_SYNTAX.test(line.replace(/\$\{?PORT\}?/g, '')) ? ['sh', '-c', line] : line;
}

/** Names herve accepts: lowercase letters, digits and dashes. */
function serviceName(name: string, notes: string[]): string {
  const clean =
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63) || 'service';
  if (clean !== name) notes.push(`${name}: renamed ${clean} (service names are lowercase letters, digits and dashes)`);
  return clean;
}

/** Procfile: `name: command`; `web` gets the route, the other process types are workers. */
export function fromProcfile(text: string): Imported {
  const services: Record<string, ProjectService> = {};
  const notes: string[] = [];
  for (const line of text.split('\n')) {
    const [, processType, command] = /^([A-Za-z0-9_-]+):\s*(.+)$/.exec(line.trim()) ?? [];
    if (processType === undefined || command === undefined) continue;
    const name = serviceName(processType, notes);
    services[name] = processType === 'web' ? { command: commandOf(command) } : { command: commandOf(command), route: false, health: 'none' };
  }
  return { services, notes };
}

type Json = Record<string, unknown>;
const CONDITIONS: Record<string, 'started' | 'healthy' | 'completed_successfully'> = {
  process_started: 'started',
  process_healthy: 'healthy',
  process_completed_successfully: 'completed_successfully',
  process_completed: 'completed_successfully',
};
const COMPOSE_CARRIED = new Set([
  'command',
  'working_dir',
  'environment',
  'depends_on',
  'readiness_probe',
  'availability',
  'description',
  'replicas',
  'shutdown',
  'is_daemon',
]);

/** process-compose.yaml: `processes:` with command, working_dir, environment, depends_on, readiness_probe, availability. */
export function fromProcessCompose(text: string): Imported {
  const document = (parse(text) ?? {}) as Json;
  const processes = (document.processes ?? {}) as Record<string, Json>;
  const services: Record<string, ProjectService> = {};
  const notes: string[] = [];
  for (const key of Object.keys(document)) if (key !== 'processes' && key !== 'version') notes.push(`top-level ${key}: not carried over`);
  for (const [original, process] of Object.entries(processes)) {
    const name = serviceName(original, notes);
    const service: ProjectService = { command: commandOf(String(process.command ?? '')) };
    if (typeof process.description === 'string') service.description = process.description;
    if (typeof process.working_dir === 'string') service.cwd = process.working_dir;
    if (Array.isArray(process.environment)) {
      service.env = Object.fromEntries((process.environment as string[]).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
    }
    if (typeof process.replicas === 'number') service.replicas = process.replicas;
    const depends = process.depends_on as Record<string, { condition?: string }> | undefined;
    if (depends)
      service.depends_on = Object.fromEntries(
        Object.entries(depends).map(([other, { condition }]) => [serviceName(other, []), CONDITIONS[condition ?? ''] ?? 'started']),
      );
    const probe = process.readiness_probe as { http_get?: { path?: string }; exec?: { command?: string } } | undefined;
    if (probe?.http_get) service.health = { http: probe.http_get.path ?? '/' };
    else if (probe?.exec?.command) service.health = { exec: ['sh', '-c', probe.exec.command] };
    else service.health = 'none';
    const restart = (process.availability as { restart?: string } | undefined)?.restart;
    if (restart) service.restart = restart === 'on_failure' ? 'on-failure' : restart === 'always' ? 'always' : 'never';
    const shutdown = process.shutdown as { timeout_seconds?: number } | undefined;
    if (shutdown?.timeout_seconds !== undefined) service.stop = { grace: `${shutdown.timeout_seconds}s` };
    if (!probe?.http_get) service.route = false;
    for (const key of Object.keys(process)) if (!COMPOSE_CARRIED.has(key)) notes.push(`${original}.${key}: not carried over`);
    services[name] = service;
  }
  return { services, notes };
}

const PM2_CARRIED = new Set([
  'name',
  'script',
  'args',
  'cwd',
  'env',
  'instances',
  'exec_mode',
  'watch',
  'ignore_watch',
  'autorestart',
  'interpreter',
  'kill_timeout',
]);

/** PM2's ecosystem.config.js (or .cjs/.json): `apps: [{ name, script, args, cwd, env, instances, watch, autorestart }]`. */
export function fromEcosystem(path: string): Imported {
  let config: { apps?: Json[] } | Json[];
  try {
    config = loadCommonJs(resolve(path)) as { apps?: Json[] };
  } catch (error) {
    throw new UserError(`${path} could not be loaded: ${(error as Error).message}`, 'it must be a CommonJS module exporting { apps: [...] }', 1, {
      cause: error,
    });
  }
  const apps = Array.isArray(config) ? config : (config.apps ?? []);
  const services: Record<string, ProjectService> = {};
  const notes: string[] = [];
  for (const app of apps) {
    const script = String(app.script ?? '');
    const name = serviceName(String(app.name ?? basename(script).replace(/\.[^.]+$/, '')), notes);
    const args = Array.isArray(app.args) ? app.args.map(String) : typeof app.args === 'string' ? app.args.split(/\s+/).filter(Boolean) : [];
    const interpreter = typeof app.interpreter === 'string' ? app.interpreter : /\.(c|m)?js$/.test(script) ? 'node' : undefined;
    const service: ProjectService = { command: interpreter && interpreter !== 'none' ? [interpreter, script, ...args] : [script, ...args] };
    if (typeof app.cwd === 'string') service.cwd = app.cwd;
    if (app.env && typeof app.env === 'object') service.env = Object.fromEntries(Object.entries(app.env as Json).map(([key, value]) => [key, String(value)]));
    if (typeof app.instances === 'number' && app.instances > 0) service.replicas = Math.min(app.instances, 64);
    else if (app.instances !== undefined) notes.push(`${name}.instances: ${String(app.instances)} not carried over (give a number of replicas)`);
    if (app.watch === true) service.watch = { paths: ['.'], ...(Array.isArray(app.ignore_watch) && { ignore: app.ignore_watch.map(String) }) };
    else if (Array.isArray(app.watch)) service.watch = app.watch.map(String);
    if (app.autorestart === false) service.restart = 'never';
    if (typeof app.kill_timeout === 'number') service.stop = { grace: app.kill_timeout };
    for (const key of Object.keys(app)) if (!PM2_CARRIED.has(key)) notes.push(`${name}.${key}: not carried over`);
    if (app.exec_mode === 'cluster') notes.push(`${name}: cluster mode becomes ${service.replicas ?? 1} replicas on their own ports behind the front door`);
    services[name] = service;
  }
  if (!Array.isArray(config)) for (const key of Object.keys(config)) if (key !== 'apps') notes.push(`${key}: not carried over`);
  return { services, notes };
}

/** PM2 configs are CommonJS; inside a `"type": "module"` package Node would read a .js one as ESM, so a copy named .cjs is loaded instead. */
function loadCommonJs(path: string): unknown {
  const load = createRequire(path);
  try {
    return load(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM' && !/module is not defined|exports is not defined/.test((error as Error).message))
      throw error;
    const copy = join(dirname(path), `.herve-import-${process.pid}.cjs`);
    copyFileSync(path, copy);
    try {
      return load(copy);
    } finally {
      rmSync(copy, { force: true });
    }
  }
}

/** By the file's name: Procfile, process-compose.y(a)ml, ecosystem.config.(c)js / .json. */
export function importFile(path: string): Imported {
  const name = basename(path);
  if (/^Procfile/.test(name)) return fromProcfile(readText(path));
  if (/compose.*\.ya?ml$/.test(name)) return fromProcessCompose(readText(path));
  if (/^ecosystem.*\.(c?js|json)$/.test(name)) return fromEcosystem(path);
  throw new UserError(`cannot tell what ${name} is`, 'herve import reads a Procfile, a process-compose.yaml or a PM2 ecosystem.config.js', 2);
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, undefined, 1, { cause: error });
  }
}
