import type { ErrorBody, ErrorCode } from '../../protocol/index.js';

/** A problem the user can fix; carries the next step. Printed without a stack trace. */
export class UserError extends Error {
  constructor(message: string, readonly hint?: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}

export class DaemonNotRunningError extends UserError {
  constructor(readonly socket: string) {
    super('herve daemon is not running — start it with: herve up', undefined, 3);
    this.name = 'DaemonNotRunningError';
  }
}

/** The daemon answered `ok: false`. */
export class DaemonRequestError extends UserError {
  readonly code: ErrorCode;
  constructor(body: ErrorBody) {
    super(body.message, body.hint, body.code === 'not_found' ? 4 : 1);
    this.name = 'DaemonRequestError';
    this.code = body.code;
  }
}

export class ConnectionLostError extends Error {
  constructor() {
    super('connection to the herve daemon was lost');
    this.name = 'ConnectionLostError';
  }
}
