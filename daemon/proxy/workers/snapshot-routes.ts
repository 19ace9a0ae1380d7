import type { RouteTable, RouteTarget } from '../../shared/contracts.js';
import { RouteIndex } from '../route-match.js';
import type { RouteSnapshot } from './messages.js';

/** The daemon's routes as a worker receives them: what `RouteTable` says, frozen until the next snapshot. */
export function snapshotOf(routes: RouteTable & { routeIndex(): RouteIndex }): RouteSnapshot {
  return {
    routes: routes.routeIndex().namedRoutes(),
    targets: routes.names().map((name) => [name, routes.targets(name) ?? []] as const),
  };
}

/** A worker's route table: the daemon's last snapshot; what the proxy reports goes to `report`. */
export class SnapshotRoutes implements RouteTable {
  private index = new RouteIndex([]);
  private byName = new Map<string, RouteTarget[]>();

  constructor(
    snapshot: RouteSnapshot,
    private readonly reporter: (target: RouteTarget, status: number, failure?: string) => void,
  ) {
    this.apply(snapshot);
  }

  apply(snapshot: RouteSnapshot): void {
    this.index = new RouteIndex(snapshot.routes);
    this.byName = new Map(snapshot.targets.map(([name, targets]) => [name, targets]));
  }

  targets(name: string): RouteTarget[] | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  report(target: RouteTarget, status: number, failure?: string): void {
    this.reporter(target, status, failure);
  }

  routeIndex(): RouteIndex {
    return this.index;
  }
}
