// @ts-check
// Part 1 of the TUI benchmark: the dashboard rendered in-process to a null terminal (160x45),
// fed by an in-memory client: the cost of one update, and a sustained 5,000 lines/s flood.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { render } from 'ink';
import { createElement } from 'react';
import { Dashboard } from '../dist/cli/tui/Dashboard.js';
import { FakeDaemon, makeServices } from './tui-fake-client.mjs';
import { median, sleep, waitUntil } from './lib.mjs';

class NullTerminal extends Writable {
  columns = 160;
  rows = 45;
  isTTY = true;
  writes = 0;
  /** @type {(() => void) | null} */
  onWrite = null;
  /**
   * @param {unknown} _chunk
   * @param {string} _encoding
   * @param {() => void} done
   */
  _write(_chunk, _encoding, done) {
    this.writes++;
    this.onWrite?.();
    done();
  }
}

class SilentKeyboard extends EventEmitter {
  isTTY = true;
  setRawMode() {}
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read() {
    return null;
  }
}

/**
 * Ink takes these stand-ins for a terminal: what it calls on them, they have.
 * @param {FakeDaemon} daemon
 * @param {{ flushMs: number; maxFps: number }} options
 */
function mount(daemon, { flushMs, maxFps }) {
  const stdout = new NullTerminal();
  const app = render(createElement(Dashboard, { connect: daemon.connect, socketPath: '/tmp/bench.sock', flushMs, logCapacity: 500 }), {
    stdout: /** @type {NodeJS.WriteStream} */ (/** @type {unknown} */ (stdout)),
    stdin: /** @type {NodeJS.ReadStream} */ (/** @type {unknown} */ (new SilentKeyboard())),
    stderr: /** @type {NodeJS.WriteStream} */ (/** @type {unknown} */ (new NullTerminal())),
    patchConsole: false,
    exitOnCtrlC: false,
    maxFps,
  });
  return { app, stdout };
}

/**
 * @param {NullTerminal} stdout
 * @returns {Promise<void>}
 */
function nextWrite(stdout) {
  return new Promise((resolve) => {
    stdout.onWrite = () => {
      stdout.onWrite = null;
      resolve();
    };
  });
}

/** Wall time from events in to frame out, per update, with nothing throttled; and the CPU time it took. */
async function updateCost(label, _daemon, stdout, produce, updates) {
  const times = [];
  const cpuTimes = [];
  for (let i = 0; i < updates; i++) {
    const written = nextWrite(stdout);
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    produce(i);
    await written;
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    const cpu = process.cpuUsage(cpuBefore);
    cpuTimes.push((cpu.user + cpu.system) / 1000);
  }
  return { label, medianMs: median(times), p95Ms: times.sort((a, b) => a - b)[Math.floor(times.length * 0.95)], cpuMs: median(cpuTimes) };
}

/** Render time of a stats event alone (every row's figures change), with `count` services. */
export async function statsRenderCost(count, updates = 50) {
  const daemon = new FakeDaemon(makeServices(count));
  const { app, stdout } = mount(daemon, { flushMs: 0, maxFps: 1000 });
  try {
    await waitUntil(() => daemon.connections.size >= 2 && stdout.writes > 2, 10_000, 'the dashboard to connect');
    await sleep(300);
    return await updateCost(`stats event, ${count} services`, daemon, stdout, (tick) => daemon.stats(tick), updates);
  } finally {
    app.unmount();
  }
}

export async function renderBenchmark() {
  const daemon = new FakeDaemon(makeServices(50));
  // Unthrottled, so each update is timed alone.
  let { app, stdout } = mount(daemon, { flushMs: 0, maxFps: 1000 });
  await waitUntil(() => daemon.connections.size >= 2 && stdout.writes > 2, 5000, 'the dashboard to connect');
  await sleep(300);
  let line = 0;
  const flood = (/** @type {number} */ count) => {
    for (let i = 0; i < count; i++) daemon.log('svc-00', `GET /flood/${line++} 200 0.4ms`);
  };
  const results = [
    await updateCost(
      'stats event (50 rows change) + 100 log lines',
      daemon,
      stdout,
      (/** @type {number} */ tick) => {
        daemon.stats(tick);
        flood(100);
      },
      200,
    ),
    await updateCost('100 log lines only (rows memoised)', daemon, stdout, () => flood(100), 200),
  ];
  app.unmount();

  // Sustained: the real settings (100 ms batches, 10 fps), 5,000 lines/s for 5 s plus stats each second.
  ({ app, stdout } = mount(daemon, { flushMs: 100, maxFps: 10 }));
  await waitUntil(() => daemon.connections.size >= 2, 5000, 'the dashboard to connect');
  await sleep(500);
  const writesBefore = stdout.writes;
  const linesBefore = line;
  const cpuBefore = process.cpuUsage();
  const started = Date.now();
  let tick = 0;
  while (Date.now() - started < 5000) {
    flood(500);
    if (tick++ % 10 === 0) daemon.stats(tick);
    await sleep(100);
  }
  const seconds = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const sustained = {
    linesPerSecond: Math.round((line - linesBefore) / seconds),
    writesPerSecond: (stdout.writes - writesBefore) / seconds,
    cpuPercent: ((cpu.user + cpu.system) / 1e6 / seconds) * 100,
    heapMb: process.memoryUsage().heapUsed / 1024 / 1024,
  };
  app.unmount();
  return { results, sustained };
}
