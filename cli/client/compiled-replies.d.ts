// The module scripts/bundle-cli.mjs generates for the fast path from protocol/'s zod schemas
// (scripts/compile-replies.mjs): zod's output for a reply, or undefined when only zod can say.
declare module 'herve:compiled-replies' {
  import type { Response, Result } from '../../protocol/index.js';

  export type FastMethod = 'hello' | 'list' | 'stats' | 'start' | 'stop' | 'logs';
  export const compiledResponse: (raw: unknown) => { ok: true; value: Response } | undefined;
  export const compiledResults: { [M in FastMethod]: (raw: unknown) => { ok: true; value: Result<M> } | undefined };
}
