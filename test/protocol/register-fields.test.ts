import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { buildProgram } from '../../cli/program.js';
import { buildRegisterSpec, optionName } from '../../cli/lifecycle/register-spec.js';
import { EMPTY_DRAFT } from '../../cli/tui/model/register-draft.js';
import { draftToParams } from '../../cli/tui/model/register-form.js';
import { formToSpec, parseRegisterBody } from '../../daemon/admin/register-body.js';
import { fieldForKey, flagForPath, flagOf, parseInteger, REGISTER_FIELDS, type RegisterFlagValues } from '../../protocol/register-fields.js';

const root = resolve(import.meta.dirname, '../..');

describe('the registration field table', () => {
  it('parses integers strictly: 0x10, 1e3, 1.5, " 7 " and " " stay text for the schema to name', () => {
    expect(parseInteger('16')).toBe(16);
    expect(parseInteger('-3')).toBe(-3);
    for (const text of ['0x10', '1e3', '1.5', ' ', ' 7 ', '', 'lots']) expect(parseInteger(text)).toBe(text);
    expect(() => parseRegisterBody(Buffer.from('type=echo&replicas=0x10'), 'application/x-www-form-urlencoded')).toThrow(/replicas/);
    expect(draftToParams({ ...EMPTY_DRAFT, type: 'echo', replicas: '0x10' }, '/srv')).toMatchObject({ ok: false, error: expect.stringContaining('replicas') });
  });

  it('gives every field a form key the admin API accepts, landing at its schema path', () => {
    for (const field of REGISTER_FIELDS) {
      const key = field.kind === 'pairs' ? `${field.key}.X` : field.key;
      expect(fieldForKey(key)?.field).toBe(field);
      const spec = formToSpec(`${key}=1`);
      let value: unknown = spec;
      for (const step of field.path) value = (value as Record<string, unknown>)[step];
      expect(value, key).toBeDefined();
    }
  });

  it('types the register options (RegisterFlagValues) with the names commander gives them at run time', () => {
    const names = ['name', 'description', 'replicas', 'port', 'health', 'maxFails', 'restart', 'cwd', 'env', 'opt', 'start'] as const;
    expectTypeOf<keyof RegisterFlagValues>().toEqualTypeOf<(typeof names)[number]>();
    expectTypeOf<RegisterFlagValues['replicas']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<RegisterFlagValues['env']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<RegisterFlagValues['start']>().toEqualTypeOf<boolean | undefined>();
    const register = buildProgram({ exitCode: 0 }).commands.find((command) => command.name() === 'register');
    const declared = register?.options.map((option) => option.attributeName()).filter((name) => name !== 'json');
    expect(REGISTER_FIELDS.flatMap((field) => optionName(field) ?? [])).toEqual([...names]);
    expect(declared).toEqual([...names]);
  });

  it('derives every herve register flag, and the README lists each one', () => {
    const register = buildProgram({ exitCode: 0 }).commands.find((command) => command.name() === 'register')!;
    const longFlags = register.options.map((option) => option.long);
    const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
    for (const field of REGISTER_FIELDS.filter((candidate) => candidate.flag)) {
      const flag = flagOf(field) ?? expect.fail(`${field.key} has no flag`);
      expect(longFlags).toContain(flag);
      expect(readme).toContain(`\`${flag}`);
      expect(flagForPath(field.path)).toBe(flag.replace(/^--no-/, '--'));
    }
  });

  it('names the flag in a CLI error and the form key in a dashboard error', () => {
    expect(() => buildRegisterSpec({ type: 'echo', command: [], replicas: 65 })).toThrow(/--replicas expected a whole number from 1 to 64/);
    expect(draftToParams({ ...EMPTY_DRAFT, type: 'echo', replicas: '0' }, '/srv')).toEqual({
      ok: false,
      error: 'replicas expected a whole number from 1 to 64',
    });
  });
});
