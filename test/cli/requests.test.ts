import { describe, expect, it } from 'vitest';
import { SocketDaemonClient } from '../../cli/client/index.js';
import { hervePaths, RequestRecord } from '../../protocol/index.js';
import { FIXTURES_DIR } from '../helpers/fixtures.js';
import { daemonForFile, herve, herveLive, interruptCleanly, makeHome, waitFor } from './harness.js';

const CLOCK = '\\d{2}:\\d{2}:\\d{2}\\.\\d{3}';

describe('herve requests', () => {
  const home = makeHome();
  const seen = new Set<number>();
  daemonForFile(home, seen);
  let proxyPort = 0;
  const get = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${proxyPort}/web${path}`);
    await response.arrayBuffer();
  };

  it('shows a table by default, filters by --status and --slow, -n and --json', async () => {
    const registered = await herve(home, ['register', 'command', '--name', 'web', '--json', '--', process.execPath, `${FIXTURES_DIR}/echo-headers.mjs`]);
    expect(registered.exitCode, registered.stderr).toBe(0);
    for (const instance of (JSON.parse(registered.stdout) as { instances: { pid: number }[] }).instances) seen.add(instance.pid);
    const client = await SocketDaemonClient.connect(hervePaths({ HERVE_HOME: home }).socket, 'herve-test');
    proxyPort = client.hello.proxyPort!;
    client.close();

    await get('/ok');
    await get('/gone?status=404');
    await get('/broken?status=502');
    await get('/slow?sleep=300');

    const table = await herve(home, ['requests', 'web']);
    expect(table.exitCode, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+SERVICE\s+METHOD\s+STATUS\s+LATENCY\s+BYTES\s+PATH$/);
    expect(lines.slice(1)).toHaveLength(4);
    expect(lines[1]).toMatch(new RegExp(`^${CLOCK}\\s+web\\[0\\]\\s+GET\\s+200\\s+\\S+ms\\s+\\S+\\s+/web/ok$`));
    // Fixed columns: each row's status sits under the header's.
    expect(lines.map((line) => (line.indexOf('METHOD') >= 0 ? line.indexOf('METHOD') : line.indexOf('GET')))).toEqual(
      Array(5).fill(lines[0]!.indexOf('METHOD')),
    );

    const paths = async (...args: string[]) => {
      const result = await herve(home, ['requests', 'web', '--json', ...args]);
      expect(result.exitCode, result.stderr).toBe(0);
      return result.stdout
        .trimEnd()
        .split('\n')
        .filter(Boolean)
        .map((line) => RequestRecord.parse(JSON.parse(line)).path);
    };
    expect(await paths('--status', '5xx')).toEqual(['/web/broken?status=502']);
    expect(await paths('--status', '4xx')).toEqual(['/web/gone?status=404']);
    expect(await paths('--status', '404')).toEqual(['/web/gone?status=404']);
    expect(await paths('--slow', '250ms')).toEqual(['/web/slow?sleep=300']);
    expect(await paths('-n', '2')).toEqual(['/web/broken?status=502', '/web/slow?sleep=300']);
    expect(await paths('--status', '2xx', '--slow', '0.25s')).toEqual(['/web/slow?sleep=300']);
  });

  it('refuses a bad filter with what to type instead, and an unknown service', async () => {
    const status = await herve(home, ['requests', '--status', '50x']);
    expect(status.exitCode).toBe(2);
    expect(status.stderr).toContain('--status "50x": expected a status class like 5xx or 4xx, or a status like 404');
    expect(status.stderr).toContain('herve requests --status 5xx');
    const slow = await herve(home, ['requests', '--slow', 'fast']);
    expect(slow.exitCode).toBe(2);
    expect(slow.stderr).toContain('--slow "fast": expected milliseconds or a duration like 500ms, 2s, 1m');
    const unknown = await herve(home, ['requests', 'nope']);
    expect(unknown.exitCode).not.toBe(0);
    expect(unknown.stderr).toMatch(/nope/);
  });

  it('-f prints new requests as they come, filtered, and ends cleanly on Ctrl-C', async () => {
    const follow = herveLive(home, ['requests', 'web', '-f', '-n', '0', '--status', '5xx']);
    let output = '';
    follow.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(
        async () => {
          await get('/fine');
          await get('/followed?status=503');
          return output.includes('/web/followed?status=503');
        },
        { timeoutMs: 15_000, message: 'the followed request' },
      );
      expect(output).not.toContain('/web/fine');
      expect(output).toMatch(/^TIME\s+SERVICE/);
      await interruptCleanly(follow);
    } finally {
      follow.kill('SIGKILL');
    }
  });
});
