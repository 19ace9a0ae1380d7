import type { ServiceInfo } from '../../protocol/index.js';
import type { AdminContext } from './admin-api.js';
import { describeError } from '../shared/errors.js';

/** `GET /health`: the daemon is up, with counts of what it runs. No auth. */
export function healthReport(context: AdminContext): Record<string, unknown> {
  let services: ServiceInfo[] = [];
  try {
    services = context.control.list();
  } catch (error) {
    context.log(`health: service list unavailable: ${describeError(error)}`);
  }
  const byStatus: Record<string, number> = {};
  let instances = 0;
  let ready = 0;
  for (const service of services) {
    byStatus[service.status] = (byStatus[service.status] ?? 0) + 1;
    instances += service.instances.length;
    ready += service.instances.filter((instance) => instance.ready).length;
  }
  return {
    status: 'ok',
    pid: process.pid,
    uptimeMs: Date.now() - context.startedAt,
    port: context.port(),
    services: { total: services.length, ...byStatus },
    instances: { total: instances, ready },
    admin: context.env.AUTH_ADMIN_ID && context.env.AUTH_ADMIN_SECRET ? 'enabled' : 'disabled',
  };
}

/** `GET /`: every route the proxy serves, by path and by host (workers without a route are left out). */
export function routeListing(context: AdminContext): Record<string, unknown> {
  const port = context.port();
  const index = context.routes.routeIndex?.();
  const routes = context.routes
    .names()
    .sort()
    .flatMap((name) => {
      const route = index === undefined ? { path: `/${name}`, hosts: [] } : index.routeOf(name);
      if (route === undefined) return [];
      return [
        {
          name,
          path: `${route.path}/`,
          url: `http://localhost:${port}${route.path}/`,
          host: `${name}.localhost:${port}`,
          ...(route.hosts.length > 0 ? { hosts: route.hosts } : {}),
          ready: context.routes.targets(name)?.length ?? 0,
        },
      ];
    });
  return { routes, herve: ['/health', '/services', '/metrics'] };
}
