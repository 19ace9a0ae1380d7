/** Wrong passwords a client address may send before its answers slow down. */
const FREE_FAILURES = 5;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 8000;
/** A client's failures are forgotten this long after its last one. */
const FORGET_AFTER_MS = 15 * 60 * 1000;
/** Addresses remembered at most; the oldest are forgotten first. */
const MAX_CLIENTS = 10_000;

interface Failures {
  count: number;
  last: number;
}

/**
 * Slows down wrong admin credentials per client address: after a few, each 401 is sent later,
 * doubling up to 8 s. The delay is a timer, never a wait on the event loop, and the right
 * credentials are never delayed (they also clear the address's failures).
 */
export class AuthThrottle {
  private readonly failures = new Map<string, Failures>();

  /** Record a failure; returns how long to hold its answer (ms). */
  failed(client: string, now = Date.now()): number {
    const known = this.current(client, now);
    const count = (known?.count ?? 0) + 1;
    this.failures.delete(client);
    this.failures.set(client, { count, last: now });
    if (this.failures.size > MAX_CLIENTS) this.failures.delete(this.failures.keys().next().value as string);
    return count <= FREE_FAILURES ? 0 : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (count - FREE_FAILURES - 1));
  }

  succeeded(client: string): void {
    this.failures.delete(client);
  }

  private current(client: string, now: number): Failures | undefined {
    const known = this.failures.get(client);
    if (known && now - known.last > FORGET_AFTER_MS) {
      this.failures.delete(client);
      return undefined;
    }
    return known;
  }
}
