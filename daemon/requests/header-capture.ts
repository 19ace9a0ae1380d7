import { isSecretHeader, MASKED_VALUE } from '../../protocol/index.js';

/** A request's headers as `[name, value]` pairs, each secret's value replaced before it is kept. */
export function maskedHeaders(rawHeaders: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    pairs.push([name, isSecretHeader(name) ? MASKED_VALUE : (rawHeaders[i + 1] ?? '')]);
  }
  return pairs;
}
