import { mkdtempSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../cli/client/index.js';
import { buildRegisterSpec, parsePairs } from '../../../cli/lifecycle/register-spec.js';

const dir = mkdtempSync('/tmp/hv-spec-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError');
}

describe('buildRegisterSpec', () => {
  it('turns a command line after -- into command and args, with env, health and restart', () => {
    const spec = buildRegisterSpec({
      type: 'command',
      name: 'api',
      command: ['node', 'server.js', '--verbose'],
      env: ['A=1', 'B=x=y'],
      health: 'none',
      restart: 'on-failure',
      replicas: 2,
    });
    expect(spec).toMatchObject({
      type: 'command',
      name: 'api',
      command: 'node',
      args: ['server.js', '--verbose'],
      env: { A: '1', B: 'x=y' },
      health: { path: null },
      restart: { policy: 'on-failure' },
      replicas: 2,
      start: true,
      cwd: process.cwd(),
    });
  });

  it('sends the cwd and a static root as absolute paths, resolved against the current directory', () => {
    const relativeDir = relative(process.cwd(), dir);
    const spec = buildRegisterSpec({ type: 'static', command: [], cwd: relativeDir, opt: [`root=${relativeDir}`] });
    expect(spec.cwd).toBe(dir);
    expect(spec.options.root).toBe(dir);
  });

  it('rejects what the daemon would reject, naming the flag, with exit code 2', () => {
    const badName = failure(() => buildRegisterSpec({ type: 'echo', name: 'Bad_Name', command: [] }));
    expect(badName.message).toContain('--name "Bad_Name"');
    expect(badName.exitCode).toBe(2);
    expect(failure(() => buildRegisterSpec({ type: 'echo', name: 'health', command: [] })).message).toContain('reserved');
    expect(failure(() => buildRegisterSpec({ type: 'echo', health: 'ready', command: [] })).message).toContain('--health');
    expect(failure(() => buildRegisterSpec({ type: 'echo', restart: 'sometimes', command: [] })).message).toContain('--restart');
    expect(failure(() => buildRegisterSpec({ type: 'echo', cwd: `${dir}/missing`, command: [] })).message).toContain('not a directory');
  });

  it('asks for a name and a program for the command type, and refuses a program for other types', () => {
    expect(failure(() => buildRegisterSpec({ type: 'command', command: ['node'] })).hint).toContain('--name api');
    expect(failure(() => buildRegisterSpec({ type: 'command', name: 'api', command: [] })).message).toContain('after --');
    expect(failure(() => buildRegisterSpec({ type: 'echo', command: ['node'] })).message).toContain('only the command type');
  });
});

describe('parsePairs', () => {
  it('splits at the first = and rejects pairs without a key', () => {
    expect(parsePairs(['K=a=b', 'EMPTY='], '--env')).toEqual({ K: 'a=b', EMPTY: '' });
    expect(failure(() => parsePairs(['=x'], '--env')).message).toContain('KEY=VALUE');
    expect(failure(() => parsePairs(['novalue'], '--opt')).message).toContain('--opt');
  });
});
