import type { ErrorBody, ErrorCode } from '../../protocol/index.js';

/**
 * An error a client caused or can fix (unknown service, bad name, port taken).
 * Servers turn it into `{ ok: false, error }` or an HTTP status; anything else is a bug.
 */
export class HerveError extends Error {
  /** `options.cause`: the error this one explains, kept for the daemon log and debugging. */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'HerveError';
  }

  toBody(): ErrorBody {
    return this.hint ? { code: this.code, message: this.message, hint: this.hint } : { code: this.code, message: this.message };
  }
}

/** An error's message followed by its causes' (`a: b: c`), for a log line; anything thrown, not only Errors. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause === undefined ? error.message : `${error.message}: ${describeError(error.cause)}`;
}
