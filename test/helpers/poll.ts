/**
 * The tests' one way to wait: poll with a generous deadline, never assert how fast something
 * happened (speed belongs in bench/) and never sleep a fixed time hoping it was enough.
 */

export interface WaitOptions {
  /** Generous by default: a loaded 2-core CI machine is slow, not wrong. */
  timeoutMs?: number;
  intervalMs?: number;
  /** Said in the error when the time is up. */
  message?: string;
}

/** Poll `predicate` until it returns a truthy value (returned) or the deadline passes (throws). */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 10_000, intervalMs = 25 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`${options.message ?? 'condition not met'} within ${timeoutMs} ms${why}`);
    }
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}

/**
 * Check that `predicate` stays true for all of `forMs`, polling throughout; throws as soon as it is not.
 * For proving that something does NOT happen (no restart, no request): choose `forMs` well past the
 * moment it would have happened, and on a slow machine it only gets more time to show.
 */
export async function holdsFor(predicate: () => boolean | Promise<boolean>, options: { forMs: number; intervalMs?: number; message: string }): Promise<void> {
  const { forMs, intervalMs = 50 } = options;
  const until = Date.now() + forMs;
  for (;;) {
    if (!(await predicate())) throw new Error(`${options.message} stopped holding before ${forMs} ms were up`);
    if (Date.now() >= until) return;
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}
