import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';

export type SafePath = { ok: true; path: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/**
 * Maps a URL path onto a file under `realRoot` (already a real path), refusing
 * anything that could leave it: `..` and `.` segments (raw or percent-encoded),
 * encoded slashes and backslashes, NUL bytes, and symlinks that point outside.
 * Hidden files and folders (a leading dot) are not served either.
 */
export async function resolveUnderRoot(realRoot: string, urlPath: string): Promise<SafePath> {
  const segments: string[] = [];
  for (const raw of urlPath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'malformed percent-encoding in the path' };
    }
    if (segment === '') continue;
    if (segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) {
      return { ok: false, status: 403, reason: 'the path leaves the served directory' };
    }
    // Dotfiles (.env, .git/…) are how a served project folder leaks secrets; .well-known is meant to be public.
    if (segment.startsWith('.') && segment !== '.well-known') return { ok: false, status: 404, reason: 'hidden files are not served' };
    segments.push(segment);
  }
  let real: string;
  try {
    real = await realpath(join(realRoot, ...segments));
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  if (real !== realRoot && !real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep)) {
    return { ok: false, status: 403, reason: 'the path leads outside the served directory' };
  }
  return { ok: true, path: real };
}
