import type { render } from 'ink-testing-library';
import { waitFor } from '../helpers/poll.js';

type Rendered = ReturnType<typeof render>;

/** Poll the last frame until `check` passes or the deadline passes (then fail with the frame). */
export async function waitForFrame(app: Rendered, check: (frame: string) => boolean, timeoutMs = 10_000): Promise<string> {
  const frame = await waitFor(() => (check(app.lastFrame() ?? '') ? (app.lastFrame() ?? '') : null), { timeoutMs, intervalMs: 10 }).catch(() => {
    throw new Error(`frame never matched within ${timeoutMs} ms; last frame:\n${app.lastFrame() ?? ''}`);
  });
  // React runs a legacy root's effects (Ink's key subscriptions among them) in a later
  // macrotask than the commit that drew the frame; let them run before keys are sent.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return frame;
}

/** Poll any condition with a deadline. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await waitFor(check, { timeoutMs, intervalMs: 10, message: `waiting for ${what}` });
}

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  backspace: '\u007F',
} as const;
