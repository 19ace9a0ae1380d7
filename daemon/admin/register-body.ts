import { describeZodError, RegisterSpec } from '../../protocol/index.js';
import { HerveError } from '../errors.js';

const TEXT_FIELDS = new Set(['name', 'type', 'description', 'command', 'cwd']);
const NUMBER_FIELDS = new Set(['replicas']);
const HEALTH_NUMBERS = new Set(['intervalMs', 'timeoutMs', 'healthyThreshold', 'unhealthyThreshold', 'restartAfterMs', 'startTimeoutMs']);
const RESTART_NUMBERS = new Set(['backoffInitialMs', 'backoffMaxMs', 'crashLoopLimit', 'crashLoopWindowMs', 'stopGraceMs']);

// A numeric-looking value becomes a number; anything else stays a string so the schema names the field.
function numeric(value: string): number | string {
  return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
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
