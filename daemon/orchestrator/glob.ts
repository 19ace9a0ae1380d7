/**
 * A glob (`*`, `**`, `?`, `{a,b}`) as a RegExp over `/`-separated relative paths. A pattern without
 * a `/` matches a name at any depth (`*.log` ignores `logs/a.log`), as in .gitignore.
 */
export function globToRegExp(glob: string): RegExp {
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
  return new RegExp(`${prefix}${source.replace(/^\/+/, '')}(?:/.*)?$`);
}
