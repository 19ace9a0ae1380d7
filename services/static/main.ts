import { realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../platform/package-root.js';
import { runService } from '../shared/service-server.js';
import { createStaticHandler } from './static-handler.js';

const requested = process.argv[2] || process.env.STATIC_ROOT || join(packageRoot(), 'services', 'static', 'public');
let realRoot: string;
try {
  realRoot = realpathSync(resolve(requested));
  if (!statSync(realRoot).isDirectory()) throw new Error('not a directory');
} catch {
  console.error(`static: ${resolve(requested)} is not a directory — pass the folder to serve as the first argument or STATIC_ROOT`);
  process.exit(2);
}
console.log(`static: serving ${realRoot}`);
runService({ name: 'static', handle: createStaticHandler(realRoot) });
