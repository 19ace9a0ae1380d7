import type { render } from 'ink-testing-library';

type Rendered = ReturnType<typeof render>;

/** Poll the last frame until `check` passes or the deadline passes (then fail with the frame). */
export async function waitForFrame(app: Rendered, check: (frame: string) => boolean, timeoutMs = 3000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = app.lastFrame() ?? '';
    if (check(frame)) {
      // React runs a legacy root's effects (Ink's key subscriptions among them) in a later
      // macrotask than the commit that drew the frame; let them run before keys are sent.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      return frame;
    }
    if (Date.now() > deadline) throw new Error(`frame never matched within ${timeoutMs} ms; last frame:\n${frame}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Poll any condition with a deadline. */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  backspace: '\u007F',
} as const;
