import {
  childObject,
  describeZodError,
  fieldForKey,
  fieldValue,
  specPathOf,
  formKeysSummary,
  HealthSpec,
  parseInteger,
  RegisterSpec,
  RestartSpec,
  SETTING_GROUPS,
  type SettingGroup,
} from '../../protocol/index.js';
import { HerveError } from '../shared/errors.js';
import { FORM_TYPE, JSON_TYPE, mediaType } from './media-type.js';

const SETTINGS: Record<SettingGroup, { shape: Record<string, unknown> }> = { health: HealthSpec, restart: RestartSpec };

function nested(spec: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let target = spec;
  for (const step of path) target = childObject(target, step);
  return target;
}

/** `health.intervalMs=500`: a setting of a nested group, if the schema has it. */
function setSetting(spec: Record<string, unknown>, key: string, value: string): boolean {
  const [group = '', setting, ...more] = key.split('.');
  if (!(SETTING_GROUPS as readonly string[]).includes(group) || setting === undefined || more.length > 0) return false;
  if (!(setting in SETTINGS[group as SettingGroup].shape)) return false;
  nested(spec, [group])[setting] = parseInteger(value);
  return true;
}

function setField(spec: Record<string, unknown>, key: string, value: string): void {
  const found = fieldForKey(key);
  if (found) {
    const { field, entry } = found;
    const { groups, leaf } = specPathOf(field);
    const parent = nested(spec, groups);
    if (field.kind === 'pairs' && entry !== undefined) nested(parent, [leaf])[entry] = value;
    else if (field.kind === 'list') {
      const list = (parent[leaf] as unknown[] | undefined) ?? [];
      list.push(value);
      parent[leaf] = list;
    } else parent[leaf] = fieldValue(field, value);
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
  } catch (error) {
    throw new HerveError('bad_json', 'the body is not valid JSON', 'send a JSON object, or a form body like name=my-service&type=echo', { cause: error });
  }
}

/**
 * The body as its `Content-Type` says, and only so: JSON as `application/json`, a form as
 * `application/x-www-form-urlencoded` (or no type). Never JSON from a `text/plain` body, which a
 * page of another origin can send without a preflight.
 */
function rawSpec(text: string, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === JSON_TYPE) return parseJson(text);
  if (type !== FORM_TYPE && type !== '') {
    throw new HerveError(
      'unsupported_media_type',
      `a ${type} body is not read`,
      `send JSON as ${JSON_TYPE} (curl -H 'Content-Type: ${JSON_TYPE}' -d '{…}') or a form as ${FORM_TYPE} (curl -d "name=my-service&type=echo")`,
    );
  }
  if (text.trimStart().startsWith('{')) {
    throw new HerveError(
      'bad_request',
      `the body looks like JSON but is sent as ${type || 'a form'}`,
      `send it with Content-Type: ${JSON_TYPE} (curl -H 'Content-Type: ${JSON_TYPE}' -d '{…}')`,
    );
  }
  return formToSpec(text);
}

/** Validates a register body (form or JSON) with the protocol schema; throws HerveError naming the field. */
export function parseRegisterBody(body: Buffer, contentType: string | undefined): RegisterSpec {
  const raw = rawSpec(body.toString('utf8'), contentType);
  const parsed = RegisterSpec.safeParse(raw);
  if (parsed.success) return parsed.data;
  const nameIssue = parsed.error.issues.some((issue) => issue.path[0] === 'name');
  throw new HerveError(
    nameIssue ? 'invalid_name' : 'bad_request',
    `invalid service: ${describeZodError(parsed.error)}`,
    'for example: name=my-service&type=echo',
  );
}
