import { BUILTIN_TYPES, type BuiltinType } from '../../services/catalog.js';
import { HerveError } from '../shared/errors.js';
import { proxyType } from './proxy-type.js';
import { commandType, type ServiceType } from './service-types.js';

/** A built-in service (services/catalog.ts) as a type the orchestrator registers: node runs its compiled script. */
function fromBuiltin(builtin: BuiltinType): ServiceType {
  return {
    info: { name: builtin.name, description: builtin.description, options: builtin.options },
    resolve(request) {
      const problem = builtin.validate(request.options, request.cwd);
      if (problem) throw new HerveError('bad_request', problem, `see the options of each type with: herve types`);
      const launch = builtin.launch(request.options, request.cwd);
      return {
        command: process.execPath,
        args: [builtin.script, ...launch.args, ...request.args],
        env: { ...launch.env, ...request.env },
        description: builtin.description,
        healthPath: builtin.healthPath,
      };
    },
  };
}

/** Every type a daemon registers: the built-ins, then `command` and `proxy`. */
export function allServiceTypes(): ServiceType[] {
  return [...BUILTIN_TYPES.map(fromBuiltin), commandType, proxyType];
}
