import type { IHTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { ISecret } from 'kubernetes-models/v1/Secret';
import type { IService } from 'kubernetes-models/v1/Service';
import { stringify } from 'yaml';
import {
  CONTAINER_PORT,
  containerCommand,
  headerLines,
  imageFor,
  seconds,
  serviceEnvironment,
  type ExportOptions,
  type ExportSelection,
  type ExportService,
} from './export-model.js';

export interface KubernetesOptions extends ExportOptions {
  /** The Gateway every HTTPRoute attaches to (not written: it belongs to the cluster). */
  gateway: string;
  /** Host routes are `<name>.<domain>`, as Herve serves `<name>.localhost`. */
  domain: string;
}

type KubernetesObject = ISecret | IDeployment | IService | IHTTPRoute;

const SERVICE_PORT = 80;

function labelsOf(service: ExportService): Record<string, string> {
  return { 'app.kubernetes.io/name': service.name, 'app.kubernetes.io/part-of': 'herve' };
}

function secretName(service: ExportService): string {
  return `${service.name}-env`;
}

/** Kubernetes probes from Herve's health settings; none when the service has no health path. */
function probes(service: ExportService): { readinessProbe?: IProbe; livenessProbe?: IProbe; startupProbe?: IProbe } {
  const { health } = service;
  if (health.path === null) return {};
  const base = { httpGet: { path: health.path, port: 'http' }, periodSeconds: seconds(health.intervalMs), timeoutSeconds: seconds(health.timeoutMs) };
  const probeSet: { readinessProbe?: IProbe; livenessProbe?: IProbe; startupProbe?: IProbe } = {
    startupProbe: { ...base, failureThreshold: Math.ceil(health.startTimeoutMs / health.intervalMs) },
    readinessProbe: { ...base, successThreshold: health.healthyThreshold, failureThreshold: health.unhealthyThreshold },
  };
  // Herve restarts an instance unhealthy for restartAfterMs: the failures until unhealthy, then that long.
  if (health.restartAfterMs > 0) {
    probeSet.livenessProbe = { ...base, failureThreshold: health.unhealthyThreshold + Math.ceil(health.restartAfterMs / health.intervalMs) };
  }
  return probeSet;
}

/** Env values go into a Secret: a service's env is where credentials usually are. */
function secret(service: ExportService): ISecret {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: secretName(service), labels: labelsOf(service) }, type: 'Opaque', stringData: service.env };
}

function deployment(service: ExportService, options: KubernetesOptions): IDeployment {
  const labels = labelsOf(service);
  const withSecret = options.includeEnv && Object.keys(service.env).length > 0;
  const ownEnv = serviceEnvironment(service, CONTAINER_PORT, { ...options, includeEnv: false });
  const command = containerCommand(service);
  const resources =
    service.resources && (service.resources.cpu || service.resources.memory)
      ? { requests: { ...service.resources }, limits: { ...service.resources } }
      : undefined;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service.name, labels, annotations: { 'herve.dev/description': service.description } },
    spec: {
      replicas: service.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: seconds(service.restart.stopGraceMs, 0),
          containers: [
            {
              name: service.name,
              image: imageFor(service, options),
              ...(command ? { command } : {}),
              ports: [{ name: 'http', containerPort: CONTAINER_PORT }],
              env: Object.entries(ownEnv).map(([name, value]) => ({ name, value })),
              ...(withSecret ? { envFrom: [{ secretRef: { name: secretName(service) } }] } : {}),
              ...probes(service),
              ...(resources ? { resources } : {}),
            },
          ],
        },
      },
    },
  };
}

function kubeService(service: ExportService): IService {
  const labels = labelsOf(service);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service.name, labels },
    spec: { selector: labels, ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http' }] },
  };
}

/**
 * Herve's two routes to a service: `/<name>/…` with the prefix stripped (and X-Forwarded-Prefix set),
 * and `<name>.<domain>` with the path untouched.
 */
function httpRoutes(service: ExportService, options: KubernetesOptions): IHTTPRoute[] {
  const { route } = service;
  // A worker with `route: false` serves no HTTP through the front door.
  if (route === false) return [];
  const backendRefs = [{ name: service.name, port: SERVICE_PORT }];
  const parentRefs = [{ name: options.gateway }];
  const prefix = route.path;
  const byPath: IHTTPRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: `${service.name}-path`, labels: labelsOf(service) },
    spec: {
      parentRefs,
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: prefix } }],
          filters: [
            { type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } },
            { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-Forwarded-Prefix', value: prefix }] } },
          ],
          backendRefs,
        },
      ],
    },
  };
  const byHost: IHTTPRoute = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: `${service.name}-host`, labels: labelsOf(service) },
    spec: {
      parentRefs,
      hostnames: [`${service.name}.${options.domain}`, ...route.hosts],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs }],
    },
  };
  return [byPath, byHost];
}

/** Every object, in apply order: Secrets, Deployments, Services, then routes. */
export function kubernetesObjects(selection: ExportSelection, options: KubernetesOptions): KubernetesObject[] {
  const { services } = selection;
  const secrets = options.includeEnv ? services.filter((service) => Object.keys(service.env).length > 0).map(secret) : [];
  return [
    ...secrets,
    ...services.map((service) => deployment(service, options)),
    ...services.map(kubeService),
    ...services.flatMap((service) => httpRoutes(service, options)),
  ];
}

export function renderKubernetes(selection: ExportSelection, options: KubernetesOptions): string {
  const notes = [
    `HTTPRoutes attach to the Gateway "${options.gateway}" (--gateway), which this file does not define.`,
    ...(options.includeEnv ? ['Env values are in one Secret per service (<name>-env), as plain stringData: keep this file out of version control.'] : []),
  ];
  const header = headerLines('k8s', selection, options, notes)
    .map((line) => `# ${line}`)
    .join('\n');
  const documents = kubernetesObjects(selection, options).map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false }));
  return `${header}\n${documents.map((document) => `---\n${document}`).join('')}`;
}
