import type { RequestStatsSource, RouteTable, ServiceControl } from './contracts.js';

export interface FrontDoor {
  port: number;
  requestStats: RequestStatsSource;
  close(): Promise<void>;
}

export interface FrontDoorOptions {
  port: number;
  routes: RouteTable;
  control: ServiceControl;
  log?: (message: string) => void;
}

/**
 * FRONT DOOR SLOT — the one place the proxy + admin API (daemon/proxy/front-door.ts) plug into the daemon.
 * Until it exists, the daemon runs without a proxy (hello's proxyPort and every ServiceInfo.url are null).
 */
export const FRONT_DOOR: { open(options: FrontDoorOptions): Promise<FrontDoor | null> } = {
  open: async () => null,
};
