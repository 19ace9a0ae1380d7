import { AllowedHost, describeZodError, splitHostList } from '../../protocol/index.js';
import { HerveError } from '../shared/errors.js';

const FLAG = '--allow-host';

/** Every `--allow-host H` / `--allow-host=H` in the daemon's arguments. */
function flagValues(argv: string[]): string[] {
  const values: string[] = [];
  argv.forEach((arg, index) => {
    const next = argv[index + 1];
    if (arg === FLAG && next !== undefined) values.push(next);
    else if (arg.startsWith(`${FLAG}=`)) values.push(arg.slice(FLAG.length + 1));
  });
  return values;
}

function validated(raw: string, source: string): string {
  const parsed = AllowedHost.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new HerveError(
    'bad_request',
    `${source}: ${describeZodError(parsed.error)}`,
    'for example: herve up --allow-host dev.test, or HERVE_ALLOWED_HOSTS=dev.test,*.dev.test',
  );
}

/** The hosts the front door answers for besides its built-in ones: HERVE_ALLOWED_HOSTS, then --allow-host. */
export function parseAllowedHosts(argv: string[], env: NodeJS.ProcessEnv): string[] {
  const fromEnv = splitHostList(env.HERVE_ALLOWED_HOSTS ?? '').map((host) => validated(host, 'HERVE_ALLOWED_HOSTS'));
  const fromFlags = flagValues(argv).map((host) => validated(host, FLAG));
  return [...new Set([...fromEnv, ...fromFlags])];
}
