import type { ErrorBody, ErrorCode } from '../../protocol/index.js';

/** A problem the user can fix; carries the next step. Printed without a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'UserError';
  }
}

/** Wrong arguments: exit 2, as for commander's own usage errors. */
export function usageError(message: string, hint?: string, options?: ErrorOptions): UserError {
  return new UserError(message, hint, 2, options);
}

export class DaemonNotRunningError extends UserError {
  constructor(readonly socket: string) {
    super('herve daemon is not running — start it with: herve up', undefined, 3);
    this.name = 'DaemonNotRunningError';
  }
}

/** Something accepts connections on the socket but does not answer: a wedged or foreign process. */
export class DaemonUnresponsiveError extends UserError {
  constructor(
    readonly socket: string,
    timeoutMs: number,
  ) {
    super(
      `the herve daemon on ${socket} accepted the connection but did not answer within ${timeoutMs / 1000} s`,
      'see its log (daemon.log in HERVE_HOME); if it is stuck, stop its process and run: herve up',
      5,
    );
    this.name = 'DaemonUnresponsiveError';
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
