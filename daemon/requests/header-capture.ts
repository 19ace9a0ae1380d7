import { isSecretHeader, MASKED_VALUE } from '../../protocol/index.js';

/**
 * A request's raw headers (`[name, value, name, value…]`) with each secret's value replaced before
 * they are kept. Without a secret the array itself is returned, not a copy: Node never changes a
 * request's `rawHeaders`, and most requests carry no secret.
 */
export function maskedRawHeaders(rawHeaders: readonly string[]): readonly string[] {
  let masked: string[] | null = null;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!isSecretHeader(rawHeaders[i]!)) continue;
    masked ??= rawHeaders.slice();
    masked[i + 1] = MASKED_VALUE;
  }
  return masked ?? rawHeaders;
}

/** Raw headers as `[name, value]` pairs, the shape the inspector shows. */
export function headerPairs(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) pairs.push([rawHeaders[i]!, rawHeaders[i + 1] ?? '']);
  return pairs;
}
