// The bundled CLI's reply checks (scripts/bundle-cli.mjs puts this module in place of
// reply-checks.ts): compiled from the zod schemas at build time, so that zod is loaded only for a
// reply they cannot vouch for, which then gets zod's own verdict and wording.
import { compiledEvent, compiledResponse, compiledResults } from 'herve:compiled-replies';
import type { Event, Method, Response, Result } from '../../protocol/index.js';
import type { Checked, MaybeLater } from './reply-checks.js';

export type { Checked, MaybeLater } from './reply-checks.js';

let zodChecks: Promise<typeof import('./reply-checks.js')> | undefined;

/** zod's verdict; one that cannot even load zod says so instead of leaving the call hanging. */
function askZod<T>(check: (checks: typeof import('./reply-checks.js')) => MaybeLater<Checked<T>>): Promise<Checked<T>> {
  zodChecks ??= import('./reply-checks.js');
  return zodChecks.then(check, (error: unknown): Checked<T> => ({ ok: false, problem: `could not load the reply schemas: ${String(error)}` }));
}

export function checkResponse(raw: unknown): MaybeLater<Checked<Response>> {
  return compiledResponse(raw) ?? askZod((checks) => checks.checkResponse(raw));
}

export function checkResult<M extends Method>(method: M, raw: unknown): MaybeLater<Checked<Result<M>>> {
  const check = Object.hasOwn(compiledResults, method) ? compiledResults[method] : undefined;
  return (check?.(raw) as Checked<Result<M>> | undefined) ?? askZod((checks) => checks.checkResult(method, raw));
}

export function checkEvent(raw: unknown): MaybeLater<Checked<Event>> {
  return compiledEvent(raw) ?? askZod((checks) => checks.checkEvent(raw));
}
