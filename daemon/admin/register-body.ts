import { describeZodError, fieldForKey, fieldValue, formKeysSummary, HealthSpec, parseInteger, RegisterSpec, RestartSpec, SETTING_GROUPS, type SettingGroup } from '../../protocol/index.js';
import { HerveError } from '../errors.js';

const SETTINGS: Record<SettingGroup, { shape: Record<string, unknown> }> = { health: HealthSpec, restart: RestartSpec };

function nested(spec: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let target = spec;
  for (const step of path) target = (target[step] ??= {}) as Record<string, unknown>;
  return target;
}

/** `health.intervalMs=500`: a setting of a nested group, if the schema has it. */
function setSetting(spec: Record<string, unknown>, key: string, value: string): boolean {
  const [group, setting, ...more] = key.split('.');
  if (!(SETTING_GROUPS as readonly string[]).includes(group) || setting === undefined || more.length > 0) return false;
  if (!(setting in SETTINGS[group as SettingGroup].shape)) return false;
  nested(spec, [group])[setting] = parseInteger(value);
  return true;
}

function setField(spec: Record<string, unknown>, key: string, value: string): void {
  const found = fieldForKey(key);
  if (found) {
    const { field, entry } = found;
    const parent = nested(spec, field.path.slice(0, -1));
    const last = field.path[field.path.length - 1];
    if (field.kind === 'pairs' && entry !== undefined) nested(parent, [last])[entry] = value;
    else if (field.kind === 'list') ((parent[last] ??= []) as unknown[]).push(value);
    else parent[last] = fieldValue(field, value);
    return;
  }
  if (!setSetting(spec, key, value)) {
    throw new HerveError('bad_request', `unknown field "${key}"`, `fields: ${formKeysSummary()}`);
  }
}

/** The seed's form body (`name=my-service&type=echo`) as a register spec before validation. */
export function formToSpec(body: string): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) setField(spec, key, value);
  return spec;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new HerveError('bad_json', 'the body is not valid JSON', 'send a JSON object, or a form body like name=my-service&type=echo');
  }
}

/** Validates a register body (form or JSON) with the protocol schema; throws HerveError naming the field. */
export function parseRegisterBody(body: Buffer, contentType: string | undefined): RegisterSpec {
  const text = body.toString('utf8');
  const isJson = (contentType ?? '').includes('json') || text.trimStart().startsWith('{');
  const raw = isJson ? parseJson(text) : formToSpec(text);
  const parsed = RegisterSpec.safeParse(raw);
  if (parsed.success) return parsed.data;
  const nameIssue = parsed.error.issues.some((issue) => issue.path[0] === 'name');
  throw new HerveError(
    nameIssue ? 'invalid_name' : 'bad_request',
    `invalid service: ${describeZodError(parsed.error)}`,
    'for example: name=my-service&type=echo',
  );
}
