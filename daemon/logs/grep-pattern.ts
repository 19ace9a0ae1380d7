import { createRequire } from 'node:module';
import type RE2Type from 're2';
import { HerveError } from '../shared/errors.js';

// Loaded on the first --grep, not at the daemon's start: a daemon that is never asked to grep keeps its RSS.
let RE2: typeof RE2Type | undefined;
const loadRe2 = (): typeof RE2Type => (RE2 ??= createRequire(import.meta.url)('re2') as typeof RE2Type);

/** A regular expression compiled with RE2 (linear time); throws what RE2 throws on a bad one. */
export function linearMatcher(source: string): LineMatcher {
  return new (loadRe2())(source);
}

/** What a log tail filters lines with. */
export interface LineMatcher {
  test(text: string): boolean;
}

/**
 * A user's `--grep` pattern, compiled with RE2: matching takes time linear in the line,
 * so no pattern (`^(a+)+$` on a long line) can hold the daemon's event loop.
 * RE2 has no backreferences or lookaround; such a pattern gets a clear error.
 */
export function compileGrep(pattern: string | undefined): LineMatcher | undefined {
  if (pattern === undefined) return undefined;
  try {
    return linearMatcher(pattern);
  } catch (error) {
    const reason = (error as Error).message;
    const unsupported = /invalid escape|perl operator|backreference|lookahead|lookbehind/i.test(reason);
    throw new HerveError(
      'bad_request',
      `--grep ${JSON.stringify(pattern)} cannot be used: ${reason}`,
      unsupported
        ? 'the daemon matches with RE2 (linear time), which has no backreferences (\\1) or lookaround ((?=…), (?!…), (?<=…)); rewrite the pattern without them'
        : 'check the regular expression; quote it, e.g. --grep "GET /api"',
      { cause: error },
    );
  }
}
