import { runService } from '../shared/service-server.js';
import { handleEcho } from './echo-handler.js';

runService({ name: 'echo', handle: handleEcho });
