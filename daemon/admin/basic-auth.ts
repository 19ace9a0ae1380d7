import { createHash, timingSafeEqual } from 'node:crypto';

export type AuthOutcome = 'allowed' | 'disabled' | 'denied';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

// Equal-length digests, so timingSafeEqual never throws and the length of the secret does not leak.
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Checks an `Authorization: Basic …` header against AUTH_ADMIN_ID / AUTH_ADMIN_SECRET.
 * Both parts are always compared, so a wrong id costs the same time as a wrong secret.
 */
export function checkBasicAuth(header: string | undefined, env: NodeJS.ProcessEnv): AuthOutcome {
  const expectedId = env.AUTH_ADMIN_ID;
  const expectedSecret = env.AUTH_ADMIN_SECRET;
  if (!expectedId || !expectedSecret) return 'disabled';
  if (header === undefined) return 'denied';
  const [, encoded] = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) ?? [];
  if (encoded === undefined) return 'denied';
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return 'denied';
  const idMatches = sameSecret(decoded.slice(0, colon), expectedId);
  const secretMatches = sameSecret(decoded.slice(colon + 1), expectedSecret);
  return idMatches && secretMatches ? 'allowed' : 'denied';
}
