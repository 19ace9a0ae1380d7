import type { z } from 'zod';
import { type ErrorBody, type ErrorCode, type Method, methods, type Params, RequestEnvelope } from './messages.js';

export type DecodedRequest<M extends Method = Method> = { id: string | number; method: M; params: Params<M> };

export type DecodeResult = { ok: true; request: DecodedRequest } | { ok: false; id: string | number | null; error: ErrorBody };

/** A zod error as one readable line, naming the fields at fault. */
export function describeZodError(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

function failure(id: string | number | null, code: ErrorCode, message: string): DecodeResult {
  return { ok: false, id, error: { code, message } };
}

function isMethod(name: string): name is Method {
  return Object.hasOwn(methods, name);
}

/** Parse and validate one request line; never throws. */
export function decodeRequest(line: string): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return failure(null, 'bad_json', 'request is not valid JSON');
  }
  const envelope = RequestEnvelope.safeParse(raw);
  if (!envelope.success) {
    return failure(null, 'bad_request', `bad request envelope: ${describeZodError(envelope.error)}`);
  }
  const { id, method, params } = envelope.data;
  if (!isMethod(method)) {
    return failure(id, 'unknown_method', `unknown method "${method}" (known: ${Object.keys(methods).join(', ')})`);
  }
  const parsed = methods[method].params.safeParse(params ?? {});
  if (!parsed.success) {
    const nameIssue = parsed.error.issues.find((issue) => issue.path[0] === 'name');
    const code: ErrorCode = nameIssue ? 'invalid_name' : 'bad_request';
    return failure(id, code, `invalid params for ${method}: ${describeZodError(parsed.error)}`);
  }
  return { ok: true, request: { id, method, params: parsed.data as Params<Method> } };
}
