// @ts-check
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** @type {Record<string, number>} */
const UNITS = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
/** @type {Record<string, number>} */
const TIME = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** @param {string} text */
function millis(text) {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  return match ? Number(match[1]) * (TIME[match[2] ?? ''] ?? NaN) : NaN;
}

/**
 * One wrk run pinned to `cpu`, or unpinned with `cpu: null` (async, so the caller can sample RSS meanwhile):
 * req/s, p50/p99 (ms), MB/s, errors.
 * @param {string} url
 * @param {{ seconds: number; connections: number; cpu: number | null }} options
 */
export async function runWrk(url, { seconds, connections, cpu }) {
  const wrk = ['wrk', '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url];
  const [command = 'wrk', ...args] = cpu === null ? wrk : ['taskset', '-c', String(cpu), ...wrk];
  const { stdout: output } = await execFileAsync(command, args, { encoding: 'utf8' });
  const field = (/** @type {RegExp} */ pattern) => pattern.exec(output)?.[1];
  const transfer = /Transfer\/sec:\s+([\d.]+)(B|KB|MB|GB)/.exec(output);
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = Number(field(/Non-2xx or 3xx responses: (\d+)/) ?? 0);
  return {
    rps: Number(field(/Requests\/sec:\s+([\d.]+)/)),
    requests: Number(field(/(\d+) requests in/)),
    p50: millis(field(/^\s+50%\s+(\S+)/m) ?? ''),
    p99: millis(field(/^\s+99%\s+(\S+)/m) ?? ''),
    mbps: transfer ? (Number(transfer[1]) * (UNITS[transfer[2] ?? ''] ?? NaN)) / 1024 ** 2 : NaN,
    errors: (errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0) + non2xx,
  };
}
