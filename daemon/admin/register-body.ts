import { describeZodError, RegisterSpec } from '../../protocol/index.js';
import { HerveError } from '../errors.js';
import { FORM_TYPE, JSON_TYPE, mediaType } from './media-type.js';

const TEXT_FIELDS = new Set(['name', 'type', 'description', 'command', 'cwd']);
const NUMBER_FIELDS = new Set(['replicas']);
const HEALTH_NUMBERS = new Set(['intervalMs', 'timeoutMs', 'healthyThreshold', 'unhealthyThreshold', 'restartAfterMs', 'startTimeoutMs']);
const RESTART_NUMBERS = new Set(['backoffInitialMs', 'backoffMaxMs', 'crashLoopLimit', 'crashLoopWindowMs', 'stopGraceMs']);

// Plain decimal digits become a number; anything else (0x10, 1e3, ' 2') stays a string so the schema names the field.
function numeric(value: string): number | string {
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

function booleanish(value: string): boolean | string {
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  return value;
}

function setField(spec: Record<string, unknown>, key: string, value: string): void {
  const [head, sub, ...more] = key.split('.');
  const nested = (field: string): Record<string, unknown> => ((spec[field] ??= {}) as Record<string, unknown>);
  if (more.length > 0) throw unknownField(key);
  if (sub === undefined && TEXT_FIELDS.has(head)) spec[head] = value;
  else if (sub === undefined && NUMBER_FIELDS.has(head)) spec[head] = numeric(value);
  else if (sub === undefined && (head === 'args' || head === 'arg')) ((spec.args ??= []) as string[]).push(value);
  else if (sub === undefined && head === 'start') spec.start = booleanish(value);
  else if (sub === undefined && head === 'health') nested('health').path = value === 'none' ? null : value;
  else if (sub === undefined && head === 'restart') nested('restart').policy = value;
  else if (sub !== undefined && head === 'env') nested('env')[sub] = value;
  else if (sub !== undefined && (head === 'option' || head === 'options')) nested('options')[sub] = value;
  else if (sub !== undefined && head === 'health' && sub === 'path') nested('health').path = value === 'none' ? null : value;
  else if (sub !== undefined && head === 'health' && HEALTH_NUMBERS.has(sub)) nested('health')[sub] = numeric(value);
  else if (sub !== undefined && head === 'restart' && sub === 'policy') nested('restart').policy = value;
  else if (sub !== undefined && head === 'restart' && RESTART_NUMBERS.has(sub)) nested('restart')[sub] = numeric(value);
  else throw unknownField(key);
}

function unknownField(key: string): HerveError {
  return new HerveError(
    'bad_request',
    `unknown field "${key}"`,
    'fields: name, type, description, command, args, cwd, replicas, start, health, health.<setting>, restart, restart.<setting>, env.<VAR>, option.<name>',
  );
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
    throw new HerveError('bad_request', `the body looks like JSON but is sent as ${type || 'a form'}`, `send it with Content-Type: ${JSON_TYPE} (curl -H 'Content-Type: ${JSON_TYPE}' -d '{…}')`);
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
