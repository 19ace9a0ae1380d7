// The built `herve tui` in a real terminal (tmux), against a real daemon in a temp HERVE_HOME.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceInfo } from '../../protocol/index.js';
import { requireTool } from '../helpers/required-tool.js';
import { assertProcessGone, PROJECT_ROOT, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';

const CLI = join(PROJECT_ROOT, 'dist', 'cli', 'main.cjs');
// A tmux server of our own, so the test never touches the user's tmux sessions. Made in beforeAll, removed in afterAll.
let tmuxDir = '';
let tmuxSocket = '';
const SESSION = 'tui';

function tmux(...args: string[]): string {
  const result = spawnSync('tmux', ['-S', tmuxSocket, ...args], { encoding: 'utf8', env: terminalEnv() });
  if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** CI=true on purpose: Ink would draw nothing live under it, and `herve tui` in a terminal must not care. */
function terminalEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CI: 'true', TERM: 'xterm-256color' };
}

const screen = () => tmux('capture-pane', '-p', '-t', SESSION);
const press = (...keys: string[]) => tmux('send-keys', '-t', SESSION, ...keys);

async function waitForScreen(check: (text: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
  try {
    return await waitFor(() => (check(screen()) ? screen() : null), { timeoutMs, intervalMs: 50, message: what });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- screen ---\n${screen()}`);
  }
}

/** Press `key` once at a time, each time waiting for what `read` sees to change, until it reads `wanted`. */
async function pressUntil(key: string, read: (text: string) => string, wanted: string, maxPresses = 10): Promise<void> {
  for (let presses = 0; read(screen()) !== wanted; presses++) {
    if (presses === maxPresses) throw new Error(`"${wanted}" not reached after ${maxPresses} × ${key}\n${screen()}`);
    const before = read(screen());
    press(key);
    await waitForScreen((t) => read(t) !== before, `${key} to move on from "${before}"`);
  }
}

const count = (text: string, needle: string) => text.split(needle).length - 1;

/** The table row of `name` shows `status` (symbol and word). */
const rowShows = (text: string, name: string, symbol: string, status: string) => new RegExp(`│[› ] ${name}\\s+\\S+\\s+${symbol} ${status}`).test(text);

describe('herve tui in a real terminal (needs tmux; .ci/run installs it)', () => {
  let daemon: TestDaemon | undefined;
  const servicePids = new Set<number>();

  beforeAll(async () => {
    requireTool('tmux', { versionArgs: ['-V'] });
    tmuxDir = mkdtempSync('/tmp/hv-tmux-');
    tmuxSocket = join(tmuxDir, 'sock');
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing — build first: npx tsc -p .`);
    daemon = await startDaemon();
    for (const type of ['echo', 'static', 'sse']) await daemon.client.call('register', { type, name: type });
    const running = await waitFor(
      async () => {
        const { services } = await daemon!.client.call('list');
        return services.length === 3 && services.every((service) => service.status === 'running') ? services : null;
      },
      { timeoutMs: 20_000, message: 'demo services running' },
    );
    running.forEach(rememberPids);
    tmux('new-session', '-d', '-s', SESSION, '-x', '160', '-y', '45', '-e', `HERVE_HOME=${daemon.home}`, 'sh');
    press('-l', `PS1='$ ' exec sh`);
    press('Enter');
  }, 60_000);

  afterAll(async () => {
    if (tmuxDir) {
      spawnSync('tmux', ['-S', tmuxSocket, 'kill-server'], { stdio: 'ignore' });
      rmSync(tmuxDir, { recursive: true, force: true });
    }
    if (daemon) {
      const { services } = await daemon.client.call('list').catch(() => ({ services: [] as ServiceInfo[] }));
      services.forEach(rememberPids);
      await daemon.stop();
      for (const pid of servicePids) await assertProcessGone(pid);
      daemon.removeHome();
    }
  }, 60_000);

  function rememberPids(service: ServiceInfo): void {
    for (const instance of service.instances) if (instance.pid) servicePids.add(instance.pid);
  }

  it('shows the services live, stops and starts echo, follows its log, and quits cleanly', async () => {
    press('-l', `node ${CLI} tui; echo "tui exited with $?"`);
    press('Enter');
    let text = await waitForScreen(
      (t) => t.includes('● connected') && ['echo', 'static', 'sse'].every((name) => rowShows(t, name, '●', 'running')),
      'the three demo services running',
    );
    expect(text).toContain(daemon!.paths.socket);
    expect(text).toMatch(/│› echo/);

    press('x');
    await waitForScreen((t) => t.includes('Stop echo? (y/n)'), 'the stop confirmation');
    press('y');
    // The row follows the daemon's event, the status line the stop's answer: either may come first.
    await waitForScreen((t) => rowShows(t, 'echo', '○', 'stopped') && t.includes('✔ echo is stopped'), 'echo shown stopped, and the stop reported');
    expect((await daemon!.client.call('get', { service: 'echo' })).status).toBe('stopped');

    press('s');
    await waitForScreen((t) => rowShows(t, 'echo', '●', 'running'), 'echo shown running again');
    const echo = await daemon!.client.call('get', { service: 'echo' });
    rememberPids(echo);
    const port = echo.instances.find((instance) => instance.ready)?.port;
    const base = echo.url ?? `http://127.0.0.1:${port}/`;
    const response = await fetch(`${base}tui-e2e-marker`);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    await waitForScreen((t) => t.includes('/tui-e2e-marker'), 'the request in the log pane');

    // Register a command service through the form, see it run, then unregister it.
    press('n');
    await waitForScreen((t) => t.includes('Register a service'), 'the register form');
    await pressUntil('j', (t) => /› type\s+(\S+)/.exec(t)?.[1] ?? '', 'command');
    press('Enter');
    await waitForScreen((t) => t.includes('› name'), 'the name field');
    press('-l', 'tuiapp');
    press('Enter');
    await waitForScreen((t) => t.includes('› replicas'), 'the replicas field');
    press('Enter');
    await waitForScreen((t) => t.includes('› command'), 'the command field');
    press('-l', `node -e "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT, '127.0.0.1')"`);
    press('Enter');
    await waitForScreen((t) => rowShows(t, 'tuiapp', '●', 'running'), 'tuiapp registered and running', 20_000);
    rememberPids(await daemon!.client.call('get', { service: 'tuiapp' }));
    await pressUntil('j', (t) => /│› (\S+)/.exec(t)?.[1] ?? '', 'tuiapp');
    press('d');
    await waitForScreen((t) => t.includes('Unregister tuiapp?'), 'the unregister confirmation');
    press('y');
    await waitForScreen((t) => t.includes('tuiapp unregistered') && !/│[› ] tuiapp/.test(t), 'tuiapp gone from the table');

    // A smaller terminal: the frame refits, once, with no leftovers of the larger one.
    tmux('resize-window', '-t', SESSION, '-x', '100', '-y', '30');
    text = await waitForScreen(
      (t) => count(t, 'NAME') === 1 && (t.split('\n')[1]?.startsWith('╭') ?? false) && /─╮$/.test(t.split('\n')[1] ?? ''),
      'the frame refitted to 100x30',
    );
    expect(text.split('\n')[1]).toHaveLength(100);
    expect(count(text, '● connected')).toBe(1);

    // The daemon goes away and comes back (as after `herve down` / `herve up`): the dashboard follows.
    await daemon!.stop();
    await waitForScreen((t) => t.includes('disconnected — retrying'), 'the disconnected state');
    daemon = await startDaemon({ home: daemon!.home });
    text = await waitForScreen((t) => t.includes('● connected') && rowShows(t, 'echo', '●', 'running'), 'reconnected, echo running again', 30_000);
    (await daemon.client.call('list')).services.forEach(rememberPids);

    press('q');
    text = await waitForScreen((t) => t.includes('tui exited with 0'), 'the shell back after q');
    // The alternate screen is gone: nothing of the dashboard is left on the terminal.
    expect(text).not.toContain('● connected');
    expect(text).not.toContain('NAME');
    expect(tmux('display-message', '-p', '-t', SESSION, '#{pane_current_command}').trim()).toBe('sh');
  }, 90_000);

  it('takes --theme, and under NO_COLOR draws no colours but keeps the status symbols', async () => {
    // Start from the shell prompt even if the test before left a dashboard running. Not at the prompt
    // itself: a C-c there makes the shell drop the line typed next if it reads it before the signal.
    const atPrompt = () => tmux('display-message', '-p', '-t', SESSION, '#{pane_current_command}').trim() === 'sh';
    if (!atPrompt()) press('C-c');
    await waitFor(atPrompt, { message: 'the shell prompt' });
    press('-l', `clear; NO_COLOR=1 node ${CLI} tui --theme light; echo "tui exited with $?"`);
    press('Enter');
    await waitForScreen((t) => t.includes('theme light') && rowShows(t, 'echo', '●', 'running'), 'the dashboard in the light theme');
    const withEscapes = tmux('capture-pane', '-p', '-e', '-t', SESSION);
    expect(withEscapes).not.toMatch(/\u001B\[[0-9;]*(3[0-7]|38|9[0-7]|4[0-7]|48)[;m]/);
    press('q');
    await waitForScreen((t) => t.includes('tui exited with 0'), 'the shell back after q');
  }, 60_000);

  it("inspects a service's requests live (i), opens one with its headers masked and its log lines (Enter)", async () => {
    const web = await daemon!.client.call('register', {
      type: 'command',
      name: 'web',
      command: process.execPath,
      args: [join(PROJECT_ROOT, 'test', 'fixtures', 'echo-headers.mjs')],
    });
    rememberPids(web);
    press('-l', `clear; node ${CLI} tui; echo "tui exited with $?"`);
    press('Enter');
    await waitForScreen((t) => t.includes('● connected') && rowShows(t, 'web', '●', 'running'), 'the dashboard with web running');
    await pressUntil('j', (t) => /│› (\S+)/.exec(t)?.[1] ?? '', 'web');
    press('i');
    await waitForScreen((t) => t.includes('requests · web'), 'the inspector');
    const response = await fetch(`http://127.0.0.1:${daemon!.proxyPort}/web/tmux-inspected`, {
      headers: { authorization: 'Bearer tmux-secret', 'x-request-id': 'tmux-req-1' },
    });
    await response.arrayBuffer();
    let text = await waitForScreen((t) => /› \S+ GET\s+200\s+\S+\s+web\[0\]\s+\/web\/tmux-inspected/.test(t), 'the request in the inspector');
    expect(text).toContain('Enter headers & log lines');
    press('Enter');
    text = await waitForScreen((t) => t.includes('handled GET /tmux-inspected request tmux-req-1'), "the request's headers and log lines");
    expect(text).toMatch(/authorization: \*\*\*/i);
    expect(text).not.toContain('tmux-secret');
    press('Escape');
    await waitForScreen((t) => t.includes('❚❚ holding') && t.includes('/web/tmux-inspected'), 'back to the request list, the request held');
    press('i');
    await waitForScreen((t) => !t.includes('requests · web') && t.includes('logs · web'), 'the log pane again');
    press('q');
    await waitForScreen((t) => t.includes('tui exited with 0'), 'the shell back after q');
  }, 60_000);

  it('killed with SIGTERM, it restores the terminal and dies of the signal', async () => {
    press('-l', `clear; node ${CLI} tui; echo "tui exited with $?"`);
    press('Enter');
    await waitForScreen((t) => t.includes('● connected'), 'the dashboard');
    const shell = Number(tmux('display-message', '-p', '-t', SESSION, '#{pane_pid}').trim());
    const dashboard = Number(readFileSync(`/proc/${shell}/task/${shell}/children`, 'utf8').trim().split(/\s+/)[0]);
    process.kill(dashboard, 'SIGTERM');
    const text = await waitForScreen((t) => t.includes('tui exited with 143'), 'the shell back after SIGTERM');
    expect(text).not.toContain('● connected');
    await assertProcessGone(dashboard);
  }, 60_000);
});
