import type { ServiceInfo } from '../../protocol/index.js';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';

export const ADMIN_ENV = { AUTH_ADMIN_ID: 'admin', AUTH_ADMIN_SECRET: 'password' };
export const GOOD_AUTH = `Basic ${Buffer.from('admin:password').toString('base64')}`;

export interface AdminDaemon {
  daemon: TestDaemon;
  /** http://127.0.0.1:<front door port> */
  url: string;
  port: number;
  /** A request to the admin API with the good credentials (unless headers say otherwise). */
  call(path: string, init?: { method?: string; body?: string; headers?: Record<string, string> }): Promise<Response>;
  /** GET /services/<ref> until `check` holds; returns that answer. */
  waitForService(ref: string, check: (info: ServiceInfo) => boolean, what: string): Promise<ServiceInfo>;
}

/** A real daemon (cleaned up by cleanUpAfterEach) with the admin API enabled, as the README's `AUTH_ADMIN_ID=… herve up`. */
export async function startAdminDaemon(env: NodeJS.ProcessEnv = ADMIN_ENV): Promise<AdminDaemon> {
  const daemon = await startDaemon({ env });
  const port = daemon.proxyPort!;
  const url = `http://127.0.0.1:${port}`;
  const call: AdminDaemon['call'] = (path, init = {}) =>
    fetch(`${url}${path}`, { method: init.method ?? 'GET', body: init.body, headers: { authorization: GOOD_AUTH, ...init.headers } });
  const waitForService: AdminDaemon['waitForService'] = (ref, check, what) =>
    waitFor(
      async () => {
        const info = (await (await call(`/services/${ref}`)).json()) as ServiceInfo;
        return check(info) ? info : null;
      },
      { timeoutMs: 20_000, message: what },
    );
  return { daemon, url, port, call, waitForService };
}

/** Every pid the service's instances have now. */
export function pidsOf(info: ServiceInfo): number[] {
  return info.instances.flatMap((instance) => (instance.pid === null ? [] : [instance.pid]));
}
