import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorCode } from '../../protocol/index.js';
import { JSON_TYPE, mediaType } from './media-type.js';

/** Why a request is refused: the admin API's `{error, message, hint}`. */
export interface Refusal {
  error: Extract<ErrorCode, 'cross_origin' | 'simple_request' | 'preflight_refused'>;
  message: string;
  hint: string;
}

/** A header a page can send only after a CORS preflight, which the admin API refuses. */
export const ADMIN_HEADER = 'x-herve-admin';
const OTHER_SITE = new Set(['cross-site', 'same-site']);

function fromOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  const lower = origin.toLowerCase();
  const ownHost = host.toLowerCase();
  return lower === `http://${ownHost}` || lower === `https://${ownHost}`;
}

/**
 * A web page of another origin than the front door (`Origin`), or of another site
 * (`Sec-Fetch-Site`: a dev server on another port is `same-site`). Curl and scripts send neither.
 */
export function crossOriginRefusal(headers: IncomingHttpHeaders): Refusal | null {
  const { origin } = headers;
  const site = headers['sec-fetch-site'];
  // Over HTTP/2 the host comes as `:authority`.
  const host = headers.host ?? (headers[':authority'] as string | undefined);
  const foreignOrigin = origin !== undefined && !fromOwnOrigin(origin, host);
  if (!foreignOrigin && (site === undefined || !OTHER_SITE.has(site))) return null;
  return {
    error: 'cross_origin',
    message: `refused: a web page ${foreignOrigin ? `on ${origin}` : `of another site (Sec-Fetch-Site: ${site})`} may not change Herve's services`,
    hint: 'use the herve CLI or curl (they send no Origin), or a page served by this front door itself',
  };
}

/**
 * CSRF guard for state-changing admin calls. A browser always marks its requests with `Origin`
 * or `Sec-Fetch-Site`; such a request must come from the front door's own origin and carry
 * `Content-Type: application/json` or `X-Herve-Admin`, neither of which a page of another origin
 * can send without a preflight. Requests with neither marker (curl, scripts) are not browsers'.
 */
export function forgeryRefusal(headers: IncomingHttpHeaders): Refusal | null {
  const crossOrigin = crossOriginRefusal(headers);
  if (crossOrigin !== null) return crossOrigin;
  const fromBrowser = headers.origin !== undefined || headers['sec-fetch-site'] !== undefined;
  if (!fromBrowser || mediaType(headers['content-type']) === JSON_TYPE || headers[ADMIN_HEADER] !== undefined) return null;
  return {
    error: 'simple_request',
    message: 'refused: a browser request that changes services must be JSON or carry the X-Herve-Admin header',
    hint: 'send Content-Type: application/json, or add the header X-Herve-Admin: 1',
  };
}

/** A CORS preflight: a page of another origin asking to send what a plain form cannot. */
export function isPreflight(method: string, headers: IncomingHttpHeaders): boolean {
  return method === 'OPTIONS' && headers['access-control-request-method'] !== undefined;
}

export const PREFLIGHT_REFUSAL: Refusal = {
  error: 'preflight_refused',
  message: 'refused: Herve answers no CORS preflight, so web pages of other origins cannot call its API',
  hint: 'use the herve CLI or curl',
};
