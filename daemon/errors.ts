import type { ErrorBody, ErrorCode } from '../protocol/index.js';

/**
 * An error a client caused or can fix (unknown service, bad name, port taken).
 * Servers turn it into `{ ok: false, error }` or an HTTP status; anything else is a bug.
 */
export class HerveError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly hint?: string) {
    super(message);
    this.name = 'HerveError';
  }

  toBody(): ErrorBody {
    return this.hint ? { code: this.code, message: this.message, hint: this.hint } : { code: this.code, message: this.message };
  }
}
