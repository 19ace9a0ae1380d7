import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteTable, ServiceControl } from '../shared/contracts.js';
import { HerveError } from '../shared/errors.js';
import type { MetricsExporter } from '../metrics/metrics-registry.js';
import type { AuthThrottle } from './auth-throttle.js';
import { checkBasicAuth } from './basic-auth.js';
import { forgeryRefusal, isPreflight, PREFLIGHT_REFUSAL, type Refusal } from './browser-guard.js';
import { healthReport, routeListing } from './overview.js';
import { sendCaught, sendError, sendJson, UNSNIFFED_UNCACHED } from './http-replies.js';
import { BodyTooLarge, MAX_BODY_BYTES, readBody } from './read-body.js';
import { parseAnnounceBody, parseLeaveBody } from './membership-body.js';
import { parseRegisterBody } from './register-body.js';

export interface AdminContext {
  control: ServiceControl;
  routes: RouteTable;
  metrics: MetricsExporter;
  env: NodeJS.ProcessEnv;
  startedAt: number;
  /** The proxy's port once listening. */
  port(): number;
  /** Upstream pool figures, for `/_herve/upstreams` (diagnostics and the benchmark). */
  upstreams(): unknown;
  /** The processes serving the front door and what each served, for `/_herve/workers` (`herve up --workers N`). */
  frontDoorProcesses(): unknown;
  log(message: string): void;
  authThrottle: AuthThrottle;
}

const ACTIONS = ['start', 'stop', 'restart', 'unregister'] as const;
type Action = (typeof ACTIONS)[number];
const isAction = (word: string | undefined): word is Action => (ACTIONS as readonly (string | undefined)[]).includes(word);
/** Methods that change nothing; every other call to `/services…` must pass the CSRF guard. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const DISABLED_HINT =
  'set AUTH_ADMIN_ID and AUTH_ADMIN_SECRET in the daemon’s environment and restart it, e.g. herve down && AUTH_ADMIN_ID=admin AUTH_ADMIN_SECRET=password herve up';

/**
 * Herve's own endpoints on the proxy port: `/` (routes), `/health`, `/metrics`,
 * `/_herve/upstreams`, `/_herve/workers`, and the seed's service API under `/services` (Basic auth).
 */
export async function handleAdmin(req: IncomingMessage, res: ServerResponse, context: AdminContext): Promise<void> {
  try {
    const url = requestTarget(req.url);
    if (url === null) return sendError(res, 'bad_request', `not a request path: ${JSON.stringify(req.url)}`, 'paths start with /');
    const segments = pathSegments(url.pathname);
    const method = req.method ?? 'GET';
    const [head] = segments;
    if (isPreflight(method, req.headers)) return refuse(req, res, PREFLIGHT_REFUSAL);
    if (head === undefined) return onlyGet(req, res, () => sendJson(res, 200, routeListing(context)));
    if (head === 'health' && segments.length === 1) return onlyGet(req, res, () => sendJson(res, 200, healthReport(context)));
    if (head === 'metrics' && segments.length === 1) return await sendMetrics(req, res, context);
    if (head === '_herve' && segments[1] === 'upstreams') return onlyGet(req, res, () => sendJson(res, 200, { upstreams: context.upstreams() }));
    if (head === '_herve' && segments[1] === 'workers') return onlyGet(req, res, () => sendJson(res, 200, { processes: context.frontDoorProcesses() }));
    if (head !== 'services') return sendError(res, 'not_found', `no such endpoint: ${method} ${url.pathname}`, 'see GET / for the routes');
    const forgery = SAFE_METHODS.has(method) ? null : forgeryRefusal(req.headers);
    if (forgery !== null) return refuse(req, res, forgery);
    if (!authorized(req, res, context)) return;
    await serviceEndpoint(req, res, context, segments.slice(1), url.searchParams);
  } catch (error) {
    sendCaught(res, error, context.log);
  }
}

/** The request's path and query; `//x` is a path here, not another host. Null when it is no path at all. */
function requestTarget(raw: string | undefined): URL | null {
  const target = raw ?? '/';
  if (!target.startsWith('/')) return null;
  try {
    return new URL(`http://herve.invalid${target}`);
  } catch {
    return null;
  }
}

function pathSegments(pathname: string): string[] {
  try {
    return pathname
      .split('/')
      .filter((segment) => segment.length > 0)
      .map(decodeURIComponent);
  } catch {
    throw new HerveError('bad_request', `the path ${pathname} is not valid percent-encoding`);
  }
}

function onlyGet(req: IncomingMessage, res: ServerResponse, reply: () => void): void {
  if (req.method === 'GET' || req.method === 'HEAD') reply();
  else sendError(res, 'method_not_allowed', `${req.method} is not allowed here`, 'use GET', { allow: 'GET, HEAD' });
}

async function sendMetrics(req: IncomingMessage, res: ServerResponse, context: AdminContext): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return onlyGet(req, res, () => undefined);
  const { contentType, text } = await context.metrics.scrape();
  res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...UNSNIFFED_UNCACHED });
  res.end(text);
}

function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  sendError(res, refusal.error, refusal.message, refusal.hint);
  req.resume();
}

function authorized(req: IncomingMessage, res: ServerResponse, context: AdminContext): boolean {
  const outcome = checkBasicAuth(req.headers.authorization, context.env);
  const client = req.socket.remoteAddress ?? '';
  if (outcome === 'allowed') {
    context.authThrottle.succeeded(client);
    return true;
  }
  req.resume();
  if (outcome === 'disabled') {
    sendError(res, 'admin_disabled', 'the admin API is off: no admin credentials are set', DISABLED_HINT);
    return false;
  }
  // Only credentials that were tried and wrong count; a client that sent none is just asked for them.
  const delayMs = req.headers.authorization === undefined ? 0 : context.authThrottle.failed(client);
  const headers: Record<string, string> = { 'www-authenticate': 'Basic realm="herve", charset="UTF-8"' };
  if (delayMs > 0) headers['retry-after'] = String(Math.ceil(delayMs / 1000));
  const deny = () => sendError(res, 'unauthorized', 'wrong or missing admin credentials', 'pass them with curl -u ID:SECRET', headers);
  if (delayMs === 0) deny();
  else setTimeout(() => !res.destroyed && deny(), delayMs).unref();
  return false;
}

async function serviceEndpoint(req: IncomingMessage, res: ServerResponse, context: AdminContext, rest: string[], query: URLSearchParams): Promise<void> {
  const method = req.method ?? 'GET';
  const { control } = context;
  if (rest.length === 0) {
    if (method !== 'GET' && method !== 'HEAD') return notAllowed(res, 'GET');
    return sendJson(res, 200, { services: control.list() });
  }
  if (rest.length === 1 && (rest[0] === 'announce' || rest[0] === 'leave') && method === 'POST') {
    const body = await readRegisterBody(req, res);
    if (rest[0] === 'announce') return sendJson(res, 200, control.announce(parseAnnounceBody(body, req.headers['content-type'])));
    const { name, url } = parseLeaveBody(body, req.headers['content-type']);
    return sendJson(res, 200, control.leave(name, url));
  }
  if (rest.length === 1 && rest[0] === 'register') {
    if (method !== 'POST') return notAllowed(res, 'POST');
    const spec = parseRegisterBody(await readRegisterBody(req, res), req.headers['content-type']);
    return sendJson(res, 201, await control.register(spec));
  }
  const [ref, action] = rest;
  if (ref !== undefined && rest.length === 1) {
    if (method !== 'GET' && method !== 'HEAD') return notAllowed(res, 'GET');
    return sendJson(res, 200, control.get(ref));
  }
  if (ref === undefined || rest.length !== 2 || !isAction(action)) {
    return sendError(res, 'not_found', `no such endpoint: ${method} /services/${rest.join('/')}`, 'actions: start, stop, restart, unregister');
  }
  if (method !== 'POST') return notAllowed(res, 'POST');
  req.resume();
  const wait = query.get('wait') !== 'false' && query.get('wait') !== '0';
  const result = action === 'unregister' ? await control.unregister(ref) : await control[action](ref, wait);
  sendJson(res, 200, result);
}

async function readRegisterBody(req: IncomingMessage, res: ServerResponse): Promise<Buffer> {
  try {
    return await readBody(req, MAX_BODY_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    res.setHeader('connection', 'close');
    sendError(res, 'payload_too_large', error.message, 'register bodies are small forms or JSON documents');
    throw new HandledAlready();
  }
}

/** The reply is already sent; unwinds to the top handler, which sends nothing more. */
class HandledAlready extends Error {}

function notAllowed(res: ServerResponse, allow: string): void {
  sendError(res, 'method_not_allowed', `use ${allow} here`, undefined, { allow });
}
