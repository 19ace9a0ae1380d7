import { HerveError } from '../shared/errors.js';
import { upstreamUrlProblem } from '../../protocol/index.js';
import type { ServiceType } from './service-types.js';

export const PROXY_TYPE = 'proxy';

const OPTIONS = {
  target: 'upstream URL, http:// or https:// (required), e.g. https://api.internal:8443',
  insecure: 'true to skip the TLS certificate check (default false)',
  host: "Host header sent upstream: upstream (default, the target's host), keep (the client's), or a value",
};

function optionsProblem(options: Record<string, string>): string | null {
  const unknown = Object.keys(options).filter((key) => !(key in OPTIONS));
  if (unknown.length > 0) return `unknown option ${unknown.map((key) => `'${key}'`).join(', ')} for proxy; it accepts: ${Object.keys(OPTIONS).join(', ')}`;
  const target = upstreamUrlProblem(options.target, 'proxy target');
  if (target) return `${target} (--opt target=URL)`;
  if (options.insecure !== undefined && options.insecure !== 'true' && options.insecure !== 'false')
    return `proxy insecure must be true or false (got '${options.insecure}')`;
  if (options.host !== undefined && !/^[^\s/]+$/.test(options.host)) return `proxy host must be upstream, keep or a host name (got '${options.host}')`;
  return null;
}

/** `proxy`: an upstream Herve does not run; no process, probed and routed to like any instance. */
export const proxyType: ServiceType = {
  info: { name: PROXY_TYPE, description: 'Forwards to an upstream Herve does not run (http or https), probed like any instance', options: OPTIONS },
  resolve(request) {
    const { target } = request.options;
    const problem = optionsProblem(request.options);
    if (problem || target === undefined)
      throw new HerveError(
        'bad_request',
        problem ?? 'a proxy needs a target',
        'for example: herve register proxy --name api --opt target=https://api.internal:8443',
      );
    if (request.command || request.args.length > 0) throw new HerveError('bad_request', 'a proxy runs no program: drop what follows --');
    return { command: target, args: [], env: {}, description: `proxy to ${target}`, healthPath: '/health' };
  },
};
