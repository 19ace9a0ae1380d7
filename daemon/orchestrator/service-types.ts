import type { ServiceTypeInfo } from '../../protocol/index.js';
import { HerveError } from '../shared/errors.js';

/** What a registration turns into: the program to run for one service. */
export interface ResolvedProgram {
  command: string;
  args: string[];
  env: Record<string, string>;
  description: string;
  healthPath: string | null;
}

export interface RegistrationRequest {
  command?: string;
  args: string[];
  env: Record<string, string>;
  options: Record<string, string>;
  cwd?: string;
}

/** A kind of service the daemon can register. Throws HerveError('bad_request') on bad options. */
export interface ServiceType {
  info: ServiceTypeInfo;
  resolve(request: RegistrationRequest): ResolvedProgram;
}

/** `command`: any program the user names. */
export const commandType: ServiceType = {
  info: {
    name: 'command',
    description: 'any program you give: herve register command --name api -- node server.js',
    options: {},
  },
  resolve(request) {
    if (!request.command) {
      throw new HerveError('bad_request', 'type "command" needs a command to run', 'give it after --: herve register command --name api -- node server.js');
    }
    return {
      command: request.command,
      args: request.args,
      env: request.env,
      description: `${request.command} ${request.args.join(' ')}`.trim(),
      healthPath: '/health',
    };
  },
};

/** The types a daemon knows, by name. */
export class ServiceTypes {
  private readonly byName = new Map<string, ServiceType>();

  constructor(types: ServiceType[]) {
    for (const type of types) this.byName.set(type.info.name, type);
  }

  get(name: string): ServiceType {
    const type = this.byName.get(name);
    if (!type) {
      const known = [...this.byName.keys()].join(', ');
      throw new HerveError('unknown_type', `unknown service type "${name}" (known: ${known})`, 'see them with: herve types');
    }
    return type;
  }

  list(): ServiceTypeInfo[] {
    return [...this.byName.values()].map((type) => type.info);
  }
}
