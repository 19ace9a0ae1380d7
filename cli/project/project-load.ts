import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { splitCommandLine } from '../../protocol/command-line.js';
import { durationMillis } from '../../protocol/duration.js';
import { describeZodError } from '../../protocol/codec.js';
import { dependencyOrder, type ProjectEntry } from '../../protocol/project-order.js';
import { MAX_PROJECT_FILE_BYTES, ProjectFile, type DependsCondition, type ProjectHttps, type ProjectService } from '../../protocol/project-file.js';
import { PATH_OPTIONS } from '../../protocol/register-fields.js';
import { RegisterSpec, type RegisterInput } from '../../protocol/service.js';

/** A project file that cannot be used, with every problem as `file:line path: message`. */
export class ProjectFileError extends Error {
  constructor(
    readonly problems: string[],
    options?: ErrorOptions,
  ) {
    super(problems.join('\n'), options);
    this.name = 'ProjectFileError';
  }
}

/** What a project file asks for, ready to send to the daemon's `apply`. */
export interface LoadedProject {
  /** Absolute path of the file. */
  file: string;
  /** In dependency order. */
  services: ProjectEntry[];
  /** `https:` as written (undefined when the file does not say). */
  https?: ProjectHttps;
  /** `workers:` (front-door processes) as written; undefined when the file does not say. */
  workers?: number;
  /** Where a path is written, `herve.yaml:LINE`, for problems found after loading (by the daemon's types). */
  where(path: PropertyKey[]): string;
}

/** Read, check and resolve a herve.yaml: paths against its directory, env files read, dependencies ordered. */
export function loadProjectFile(path: string): LoadedProject {
  const file = resolve(path);
  const label = basename(file);
  const size = statSync(file, { throwIfNoEntry: false });
  if (!size?.isFile()) throw new ProjectFileError([`${file}: no such file`]);
  if (size.size > MAX_PROJECT_FILE_BYTES) {
    throw new ProjectFileError([`${label}: ${size.size} bytes is too large for a project file (at most ${MAX_PROJECT_FILE_BYTES})`]);
  }
  const project = parseProjectText(readFileSync(file, 'utf8'), label);
  const entries = Object.entries(project.data.services).map(([name, service]) => {
    try {
      return toEntry(name, service, dirname(file));
    } catch (error) {
      throw new ProjectFileError([`${label}:${project.lineOf(['services', name])} services.${name}: ${(error as Error).message}`], { cause: error });
    }
  });
  const unknown = entries.flatMap((entry) =>
    Object.keys(entry.dependsOn)
      .filter((dependency) => !entries.some((other) => other.spec.name === dependency))
      .map(
        (dependency) =>
          `${label}:${project.lineOf(['services', entry.spec.name, 'depends_on'])} services.${entry.spec.name}.depends_on: no service named "${dependency}" in this file`,
      ),
  );
  if (unknown.length > 0) throw new ProjectFileError(unknown);
  try {
    return {
      file,
      services: dependencyOrder(entries),
      https: project.data.https,
      workers: project.data.workers,
      where: (at) => `${label}:${project.lineOf(at)}`,
    };
  } catch (error) {
    throw new ProjectFileError([`${label}: ${(error as Error).message}`], { cause: error });
  }
}

/** The YAML text checked against the schema; `lineOf` finds where a path is written. */
export function parseProjectText(text: string, label: string): { data: ProjectFile; lineOf: (path: PropertyKey[]) => number } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ProjectFileError(document.errors.map((error) => `${label}:${error.linePos?.[0].line ?? 1} not valid YAML: ${error.message.split('\n')[0]}`));
  }
  const lineOf = (path: PropertyKey[]) => lineOfPath(document, lineCounter, path);
  const parsed = ProjectFile.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    const located = flattenIssues(parsed.error.issues).map((issue) => ({
      line: lineOf([...issue.path, ...(issue.keys?.slice(0, 1) ?? [])]),
      text: describeIssue(issue),
    }));
    throw new ProjectFileError(located.sort((a, b) => a.line - b.line).map(({ line, text }) => `${label}:${line} ${text}`));
  }
  return { data: parsed.data, lineOf };
}

type Issue = z.core.$ZodIssue;

/** A union's issues from the branch whose shape matched (an object with a bad field), not "Invalid input". */
function flattenIssues(issues: readonly Issue[], prefix: PropertyKey[] = []): { path: PropertyKey[]; message: string; keys?: string[] }[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union') {
      // A branch the value got inside of (a field of an object) is the one the user meant.
      const matched = issue.errors.find((branch) => branch.some((inner) => inner.path.length > 0 || inner.code === 'unrecognized_keys'));
      if (matched) return flattenIssues(matched, path);
    }
    return [{ path, message: issue.message, keys: issue.code === 'unrecognized_keys' ? issue.keys : undefined }];
  });
}

function describeIssue(issue: { path: PropertyKey[]; message: string; keys?: string[] }): string {
  const where = issue.path.join('.') || '(top level)';
  if (issue.keys) return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
}

function lineOfPath(document: Document, lineCounter: LineCounter, path: PropertyKey[]): number {
  for (let length = path.length; length >= 0; length--) {
    const node = document.getIn(path.slice(0, length), true);
    const keyNode = length > 0 ? keyNodeOf(document, path.slice(0, length)) : undefined;
    const offset = keyNode?.range?.[0] ?? (node as { range?: [number] } | undefined)?.range?.[0];
    if (offset !== undefined) return lineCounter.linePos(offset).line;
  }
  return 1;
}

/** The key of a map entry (where `replicas:` is written), for a value that spans lines. */
function keyNodeOf(document: Document, path: PropertyKey[]): { range?: [number, number, number] | null } | undefined {
  const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const key = String(path[path.length - 1]);
  const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

function millis(value: number | string | undefined): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  return durationMillis(value) ?? undefined;
}

function stringRecord(record: Record<string, string | number | boolean> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(record ?? {}).map(([key, value]) => [key, String(value)]));
}

function readEnvFiles(files: string | string[] | undefined, base: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const file of typeof files === 'string' ? [files] : (files ?? [])) {
    const path = resolve(base, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new Error(`env_file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
    }
    Object.assign(env, parseDotenv(text));
  }
  return env;
}

function dependsOn(service: ProjectService): Record<string, DependsCondition> {
  const declared = service.depends_on;
  if (declared === undefined) return {};
  if (Array.isArray(declared)) return Object.fromEntries(declared.map((name) => [name, 'started' as const]));
  return Object.fromEntries(Object.entries(declared).map(([name, value]) => [name, typeof value === 'string' ? value : value.condition]));
}

function programParts(service: ProjectService): Pick<RegisterInput, 'type' | 'command' | 'args'> {
  if (service.command === undefined) {
    if (service.type === undefined || service.type === 'command') throw new Error('needs a type (echo, static, sse, …) or a command');
    return { type: service.type };
  }
  if (service.type !== undefined && service.type !== 'command') throw new Error(`give a type or a command, not both (type ${service.type})`);
  const [command, ...args] = typeof service.command === 'string' ? splitCommandLine(service.command) : service.command;
  if (command === undefined) throw new Error('command is empty');
  return { type: 'command', command, args };
}

function healthSpec(service: ProjectService): RegisterInput['health'] {
  const health = service.health;
  if (health === undefined) return {};
  if (health === 'none') return { path: null };
  const probes = [health.http, health.tcp, health.exec].filter((probe) => probe !== undefined);
  if (probes.length > 1) throw new Error('health: give one of http, tcp or exec');
  return {
    ...(health.http !== undefined && { path: health.http }),
    ...(health.tcp && { tcp: true }),
    ...(health.exec && { exec: health.exec }),
    intervalMs: millis(health.interval),
    timeoutMs: millis(health.timeout),
    startTimeoutMs: millis(health.start_timeout),
    restartAfterMs: millis(health.restart_after),
    healthyThreshold: health.healthy_threshold,
    unhealthyThreshold: health.unhealthy_threshold,
    passive: passiveSpec(health.passive),
  };
}

type PassiveInput = NonNullable<RegisterInput['health']>['passive'];

function passiveSpec(passive: Exclude<ProjectService['health'], 'none' | undefined>['passive']): PassiveInput {
  if (passive === undefined) return undefined;
  return {
    maxFails: passive.max_fails,
    failWindowMs: millis(passive.fail_window),
    coolDownMs: millis(passive.cool_down),
    restartAfterEjections: passive.restart_after_ejections,
    count5xx: passive.count_5xx,
  };
}

function restartSpec(service: ProjectService): RegisterInput['restart'] {
  const restart = service.restart;
  if (restart === undefined) return {};
  if (typeof restart === 'string') return { policy: restart };
  return {
    policy: restart.policy,
    backoffInitialMs: millis(restart.backoff?.initial),
    backoffMaxMs: millis(restart.backoff?.max),
    crashLoopLimit: restart.crash_loop?.limit,
    crashLoopWindowMs: millis(restart.crash_loop?.window),
  };
}

function optionsIn(service: ProjectService, base: string): Record<string, string> {
  const options = stringRecord(service.options);
  for (const [key, value] of Object.entries(options)) if (PATH_OPTIONS.includes(key)) options[key] = resolve(base, value);
  return options;
}

/** One service of the file as a register spec (validated) and its dependencies. */
function toEntry(name: string, service: ProjectService, base: string): ProjectEntry {
  const program = programParts(service);
  const watch = service.watch;
  const input: RegisterInput = {
    ...program,
    name,
    description: service.description,
    cwd: service.cwd !== undefined || program.type === 'command' ? resolve(base, service.cwd ?? '.') : undefined,
    env: { ...readEnvFiles(service.env_file, base), ...stringRecord(service.env) },
    options: optionsIn(service, base),
    replicas: service.replicas,
    port: service.port,
    route: service.route === undefined ? undefined : service.route === false ? false : { path: service.route.prefix, hosts: service.route.hosts },
    health: healthSpec(service),
    restart: restartSpec(service),
    stop: service.stop === undefined ? undefined : { signal: service.stop.signal, graceMs: millis(service.stop.grace) },
    watch:
      watch === undefined
        ? undefined
        : Array.isArray(watch)
          ? { paths: watch }
          : { paths: watch.paths, ignore: watch.ignore, debounceMs: millis(watch.debounce) },
  };
  const parsed = RegisterSpec.safeParse(input);
  if (!parsed.success) throw new Error(describeZodError(parsed.error));
  const needs = dependsOn(service);
  return { spec: { ...parsed.data, name, dependsOn: Object.keys(needs) }, dependsOn: needs };
}
