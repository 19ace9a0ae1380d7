// The module scripts/bundle-cli.mjs generates from protocol/'s zod schemas (scripts/compile-replies.mjs):
// zod's output for a reply, or undefined when only zod can say. The fast path's build compiles only
// the results it reads; the others compile every method's result and the events.
declare module 'herve:compiled-replies' {
  import type { Event, Method, Response, Result } from '../../protocol/index.js';

  export const compiledResponse: (raw: unknown) => { ok: true; value: Response } | undefined;
  export const compiledResults: { readonly [M in Method]?: (raw: unknown) => { ok: true; value: Result<M> } | undefined };
  export const compiledEvent: (raw: unknown) => { ok: true; value: Event } | undefined;
}
