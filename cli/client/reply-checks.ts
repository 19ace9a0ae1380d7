import { describeZodError, Event, type Method, methods, Response, type Result } from '../../protocol/index.js';

/** A line the daemon sent, checked against its schema: the parsed value, or what is wrong with it. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Either at once or later: the fast path's checks may have to load zod first. */
export type MaybeLater<T> = T | Promise<T>;

function checked<T>(result: { success: true; data: T } | { success: false; error: Parameters<typeof describeZodError>[0] }): Checked<T> {
  return result.success ? { ok: true, value: result.data } : { ok: false, problem: describeZodError(result.error) };
}

/** The envelope of an answer: its id, and its result or error. */
export function checkResponse(raw: unknown): MaybeLater<Checked<Response>> {
  return checked(Response.safeParse(raw));
}

/** The result of `method`, as its schema in protocol/ defines it. */
export function checkResult<M extends Method>(method: M, raw: unknown): MaybeLater<Checked<Result<M>>> {
  return checked(methods[method].result.safeParse(raw) as { success: true; data: Result<M> } | { success: false; error: never });
}

export function checkEvent(raw: unknown): MaybeLater<Checked<Event>> {
  return checked(Event.safeParse(raw));
}
