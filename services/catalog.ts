import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../platform/package-root.js';

/** What the daemon needs to run a built-in service: how to launch it and what it accepts. */
export interface BuiltinType {
  name: string;
  description: string;
  /** Option name -> one-line meaning. */
  options: Record<string, string>;
  healthPath: string;
  /** Absolute path of the compiled program; the daemon runs `process.execPath [script, ...args]`. */
  script: string;
  /** Arguments and environment for one instance; relative paths in options resolve against `cwd`. */
  launch(options: Record<string, string>, cwd?: string): { args: string[]; env: Record<string, string> };
  /** A user-facing error for bad options (with what to do), or null when they are fine. */
  validate(options: Record<string, string>, cwd?: string): string | null;
}

function scriptOf(name: string): string {
  // From dist/ and from the TypeScript sources alike, the program to run is the compiled one.
  return join(packageRoot(), 'dist', 'services', name, 'main.js');
}

function unknownOptions(type: string, options: Record<string, string>, known: Record<string, string>): string | null {
  const unknown = Object.keys(options).filter((key) => !(key in known));
  if (unknown.length === 0) return null;
  const accepted = Object.keys(known);
  return `unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `'${key}'`).join(', ')} for ${type}; ${
    accepted.length > 0 ? `it accepts: ${accepted.join(', ')}` : 'it takes no options'
  }`;
}

const echo: BuiltinType = {
  name: 'echo',
  description: 'Answers every request with its method, path, query, headers and body (JSON, or text with ?format=text)',
  options: {},
  healthPath: '/health',
  script: scriptOf('echo'),
  launch: () => ({ args: [], env: {} }),
  validate(options) {
    return unknownOptions('echo', options, this.options);
  },
};

const STATIC_OPTIONS = { root: 'directory to serve (relative to where you register; default: a small demo page)' };

const staticFiles: BuiltinType = {
  name: 'static',
  description: 'Serves a directory: content types, index.html, ranges, ETag/304, no path traversal',
  options: STATIC_OPTIONS,
  healthPath: '/health',
  script: scriptOf('static'),
  launch(options, cwd) {
    return { args: options.root ? [resolve(cwd ?? process.cwd(), options.root)] : [], env: {} };
  },
  validate(options, cwd) {
    const unknown = unknownOptions('static', options, STATIC_OPTIONS);
    if (unknown || !options.root) return unknown;
    const root = resolve(cwd ?? process.cwd(), options.root);
    const info = statSync(root, { throwIfNoEntry: false });
    if (!info) return `static root ${root} does not exist — create it or pass another folder as root`;
    if (!info.isDirectory()) return `static root ${root} is not a directory — pass a folder as root`;
    return null;
  },
};

const SSE_OPTIONS = { interval: 'milliseconds between events (default 1000, at least 10)' };

const sse: BuiltinType = {
  name: 'sse',
  description: 'Streams server-sent events (a counter and the time) at /events',
  options: SSE_OPTIONS,
  healthPath: '/health',
  script: scriptOf('sse'),
  launch(options) {
    const env: Record<string, string> = options.interval ? { SSE_INTERVAL_MS: options.interval } : {};
    return { args: [], env };
  },
  validate(options) {
    const unknown = unknownOptions('sse', options, SSE_OPTIONS);
    if (unknown || options.interval === undefined) return unknown;
    const interval = Number(options.interval);
    if (!Number.isInteger(interval) || interval < 10) return `sse interval must be a whole number of milliseconds, at least 10 (got '${options.interval}')`;
    return null;
  },
};

export const BUILTIN_TYPES: BuiltinType[] = [echo, staticFiles, sse];

export function findBuiltinType(name: string): BuiltinType | undefined {
  return BUILTIN_TYPES.find((type) => type.name === name);
}
