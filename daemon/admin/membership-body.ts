import { AnnounceParams, describeZodError, LeaveParams } from '../../protocol/index.js';
import { HerveError } from '../shared/errors.js';

/** `POST /services/announce` and `/services/leave` bodies: JSON, or a form like name=api&url=http://10.0.0.5:8080&ttl=6. */
function rawBody(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = body.toString('utf8');
  if ((contentType ?? '').includes('json') || text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new HerveError('bad_json', 'the body is not valid JSON', 'send {"name":"api","url":"http://host:port","ttl":6}');
    }
  }
  const fields: Record<string, unknown> = Object.fromEntries(new URLSearchParams(text));
  if (typeof fields.ttl === 'string' && fields.ttl.trim() !== '' && Number.isFinite(Number(fields.ttl))) fields.ttl = Number(fields.ttl);
  return fields;
}

function parsed<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: Parameters<typeof describeZodError>[0] } },
  raw: unknown,
  what: string,
): T {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new HerveError('bad_request', `invalid ${what}: ${describeZodError(result.error)}`, 'for example: name=api&url=http://127.0.0.1:8080&ttl=6');
}

export function parseAnnounceBody(body: Buffer, contentType: string | undefined): AnnounceParams {
  return parsed(AnnounceParams, rawBody(body, contentType), 'announcement');
}

export function parseLeaveBody(body: Buffer, contentType: string | undefined): { name: string; url?: string } {
  return parsed(LeaveParams, rawBody(body, contentType), 'leave');
}
