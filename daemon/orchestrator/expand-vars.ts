/** `$NAME`, `${NAME}`, `${NAME:-default}`; `$$` is a literal `$`. */
const REFERENCE = /\$(?:\$|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\})/g;

/**
 * Expand variable references in one argument from the instance's environment, the way a shell
 * would (an unset variable is empty), but without a shell: no splitting, globbing or quoting.
 * Many programs take their port only as an argument (`python3 -m http.server $PORT`).
 */
export function expandVars(text: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!text.includes('$')) return text;
  return text.replace(REFERENCE, (whole, bare: string | undefined, braced: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    const value = env[bare ?? braced!];
    if (fallback !== undefined) return value === undefined || value === '' ? fallback : value;
    return value ?? '';
  });
}

/** The command and its arguments with every reference expanded. */
export function expandCommand(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { command: string; args: string[] } {
  return { command: expandVars(command, env), args: args.map((arg) => expandVars(arg, env)) };
}
