// Values without a schema, in a module that loads no zod: the CLI's fast path imports them alone.

/** 2: register, start, restart and stop answer with their outcome. */
export const PROTOCOL_VERSION = 2;

/** The type a joined service shows: a process Herve did not spawn, in routing while it announces. */
export const EXTERNAL_TYPE = 'external';

/** How many past log lines `logs` returns when not told. */
export const DEFAULT_LOG_LINES = 100;

/** What the front door captures in place of a secret header's value. */
export const MASKED_VALUE = '***';
