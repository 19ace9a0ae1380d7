import { duration, headerLines, serviceEnvironment, type ExportOptions, type ExportSelection, type ExportService } from './export-model.js';

export interface SystemdOptions extends ExportOptions {
  /** First port given as PORT; each service takes one per replica, in order. */
  basePort: number;
}

export interface SystemdUnit {
  /** `herve-<name>.service`, or the template `herve-<name>@.service` for several replicas (the instance is its port). */
  fileName: string;
  /** What to enable: the unit itself, or one template instance per replica. */
  enable: string[];
  text: string;
}

const RESTART = { always: 'always', 'on-failure': 'on-failure', never: 'no' } as const;

/** One word for systemd: double-quoted, C escapes, `%` doubled (specifiers); `$` doubled where variables expand. */
export function quoteWord(value: string, expandsVariables: boolean): string {
  let escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/%/g, '%%');
  if (expandsVariables) escaped = escaped.replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

function unitNames(service: ExportService, firstPort: number): string[] {
  if (service.replicas === 1) return [`herve-${service.name}.service`];
  return Array.from({ length: service.replicas }, (_, index) => `herve-${service.name}@${firstPort + index}.service`);
}

function unitText(service: ExportService, port: number | '%i', options: SystemdOptions, needs: string[]): string {
  const env = serviceEnvironment(service, 0, options);
  env.PORT = String(port);
  const lines = [
    '[Unit]',
    `Description=${service.description.replace(/%/g, '%%').replace(/\n/g, ' ') || service.name} (herve service ${service.name})`,
    `After=${['network.target', ...needs].join(' ')}`,
    ...(needs.length > 0 ? [`Requires=${needs.join(' ')}`] : []),
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[service.command, ...service.args].map((word) => quoteWord(word, true)).join(' ')}`,
    // WorkingDirectory= takes a bare path (quotes are refused), specifiers still apply.
    ...(service.cwd ? [`WorkingDirectory=${service.cwd.replace(/%/g, '%%')}`] : []),
    // `%i` must reach systemd unquoted-escaped, so PORT of a template is written as is.
    ...Object.entries(env).map(([key, value]) => `Environment=${key === 'PORT' && port === '%i' ? '"PORT=%i"' : quoteWord(`${key}=${value}`, false)}`),
    `Restart=${RESTART[service.restart.policy]}`,
    `RestartSec=${duration(service.restart.backoffInitialMs)}`,
    `TimeoutStopSec=${duration(service.restart.stopGraceMs)}`,
    'KillMode=control-group',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ];
  return lines.join('\n');
}

export function systemdUnits(selection: ExportSelection, options: SystemdOptions): SystemdUnit[] {
  const firstPorts = new Map<string, number>();
  let port = options.basePort;
  for (const service of selection.services) {
    firstPorts.set(service.name, port);
    port += service.replicas;
  }
  const header = headerLines('systemd', selection, options, ['systemd does not probe health: Restart= covers crashes only.']);
  return selection.services.map((service) => {
    const firstPort = firstPorts.get(service.name)!;
    const needs = service.dependsOn.flatMap(({ name }) => {
      const dependency = selection.services.find((candidate) => candidate.name === name);
      return dependency ? unitNames(dependency, firstPorts.get(name)!) : [];
    });
    const template = service.replicas > 1;
    const enable = unitNames(service, firstPort);
    const comment = [...header, `Enable with: systemctl --user enable --now ${enable.join(' ')}`].map((line) => `# ${line}`).join('\n');
    return {
      fileName: template ? `herve-${service.name}@.service` : `herve-${service.name}.service`,
      enable,
      text: `${comment}\n${unitText(service, template ? '%i' : firstPort, options, needs)}`,
    };
  });
}

/** All units on stdout, each after a `# ==> file <==` line. */
export function renderSystemd(units: SystemdUnit[]): string {
  return units.map((unit) => `# ==> ${unit.fileName} <==\n${unit.text}`).join('\n');
}
