import { spawnSync } from 'node:child_process';

/**
 * Fails (never skips) when a program the tests drive is missing, saying how to install it:
 * a green run must have run every test. `.ci/run` installs them on a clean machine.
 */
export function requireTool(command: string, options: { versionArgs?: string[]; debianPackage?: string } = {}): void {
  const { versionArgs = ['--version'], debianPackage = command } = options;
  const probe = spawnSync(command, versionArgs, { stdio: 'ignore' });
  if (probe.error === undefined && probe.status === 0) return;
  throw new Error(
    `${command} is required by this test and was not found on PATH — install it (Debian/Ubuntu: sudo apt-get install -y ${debianPackage}), or run .ci/run, which installs it`,
  );
}
