import { HerveError } from '../shared/errors.js';
import { linearMatcher, type LineMatcher } from '../logs/grep-pattern.js';

/**
 * A glob (`*`, `**`, `?`, `{a,b}`) as a matcher over `/`-separated relative paths. A pattern without
 * a `/` matches a name at any depth (`*.log` ignores `logs/a.log`), as in .gitignore. Compiled with
 * RE2: the watcher tests every path it sees on the daemon's event loop, and a backtracking engine
 * would let `*a*a*a*a*a*b` hold it for seconds on one long name.
 */
export function compileGlob(glob: string): LineMatcher {
  const anchored = glob.includes('/') && !glob.startsWith('**/');
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i];
    if (char === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      source += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '{') source += '(?:';
    else if (char === '}') source += ')';
    else if (char === ',' && glob.lastIndexOf('{', i) > glob.lastIndexOf('}', i)) source += '|';
    else source += (char ?? '').replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  const prefix = anchored ? '^' : '(?:^|/)';
  try {
    return linearMatcher(`${prefix}${source.replace(/^\/+/, '')}(?:/.*)?$`);
  } catch (error) {
    throw new HerveError('bad_request', `watch.ignore ${JSON.stringify(glob)} is not a glob this can read`, 'use *, **, ? and {a,b} with balanced braces', {
      cause: error,
    });
  }
}
