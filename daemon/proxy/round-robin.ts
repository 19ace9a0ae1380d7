import type { RouteTarget } from '../shared/contracts.js';

/** Round-robin over each service's ready targets; the target list may change between calls. */
export class RoundRobin {
  private readonly cursors = new Map<string, number>();

  next(service: string, targets: RouteTarget[]): RouteTarget {
    const cursor = ((this.cursors.get(service) ?? -1) + 1) % targets.length;
    const target = targets[cursor];
    if (target === undefined) throw new Error(`no ready target for ${service}`);
    this.cursors.set(service, cursor);
    return target;
  }

  /** Another target than `failed` if there is one (for a retry), else `failed` itself. */
  other(service: string, targets: RouteTarget[], failed: RouteTarget): RouteTarget {
    for (let attempt = 0; attempt < targets.length; attempt++) {
      const candidate = this.next(service, targets);
      if (candidate.instance !== failed.instance) return candidate;
    }
    return failed;
  }
}
