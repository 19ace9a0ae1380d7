import chalk from 'chalk';
import { afterEach, describe, expect, it } from 'vitest';
import { holdsFor } from '../helpers/poll.js';
import { FakeDaemon, makeService } from './fake-daemon.js';
import { KEYS, waitForFrame, waitUntil } from './frame.js';
import { show, unmountAll } from './show-dashboard.js';

afterEach(unmountAll);

describe('connection', () => {
  it('shows "disconnected — retrying" while the daemon is away and resyncs when it is back', async () => {
    const daemon = new FakeDaemon([makeService('echo')]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('● connected') && text.includes('● running'));
    daemon.kill();
    await waitForFrame(app, (text) => text.includes('disconnected — retrying') && text.includes('last known'));
    // While away, the daemon's state changes; the dashboard must pick it up on reconnect.
    daemon.services.set('echo', { ...daemon.services.get('echo')!, status: 'stopped' });
    daemon.services.set('web', makeService('web'));
    const attemptsBefore = daemon.connectCount;
    daemon.revive();
    const frame = await waitForFrame(app, (text) => text.includes('● connected') && text.includes('web'));
    expect(frame).toContain('○ stopped');
    expect(frame).not.toContain('last known');
    expect(daemon.connectCount).toBeGreaterThan(attemptsBefore);
  });

  it('starts disconnected when no daemon answers, and connects once one does', async () => {
    const daemon = new FakeDaemon([makeService('echo')]);
    daemon.down = true;
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('disconnected — retrying') && text.includes('herve daemon is not running'));
    daemon.revive();
    await waitForFrame(app, (text) => text.includes('● connected') && text.includes('echo'));
  });

  it('gives up on a daemon that never answers hello, says so, and keeps retrying', async () => {
    const daemon = new FakeDaemon([makeService('echo')]);
    daemon.mute = true;
    const app = show(daemon, { answerWithinMs: 100 });
    await waitForFrame(app, (text) => text.includes('disconnected — retrying') && text.includes('did not answer within 0.1 s'));
    daemon.mute = false;
    await waitForFrame(app, (text) => text.includes('● connected') && text.includes('echo'));
  });

  it('keys keep working while the daemon is away, and actions say why they cannot run', async () => {
    const daemon = new FakeDaemon([makeService('echo')]);
    daemon.down = true;
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('disconnected'));
    app.stdin.write('s');
    await waitForFrame(app, (text) => text.includes('no service to start'));
    app.stdin.write('?');
    await waitForFrame(app, (text) => text.includes('any key closes this help'));
    app.stdin.write('z');
    await waitForFrame(app, (text) => !text.includes('any key closes this help'));
  });
});

describe('themes', () => {
  it('t cycles default → light → high-contrast → default', async () => {
    const daemon = new FakeDaemon([makeService('echo')]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('theme default'));
    app.stdin.write('t');
    await waitForFrame(app, (text) => text.includes('theme light'));
    app.stdin.write('t');
    await waitForFrame(app, (text) => text.includes('theme high-contrast'));
    app.stdin.write('t');
    await waitForFrame(app, (text) => text.includes('theme default'));
  });

  it('applies the theme’s colours, and another theme draws with other ones', async () => {
    // Ink colours through chalk, which turns itself off when stdout is not a terminal (as here).
    const level = chalk.level;
    chalk.level = 3;
    try {
      // The running status: "green" in the default theme, #1a7f37 (26,127,55) in the light one.
      const defaultGreen = '\u001B[32m● running';
      const lightGreen = '\u001B[38;2;26;127;55m● running';
      const app = show(new FakeDaemon([makeService('echo')]));
      const dark = await waitForFrame(app, (text) => text.includes('theme default') && text.includes(defaultGreen));
      expect(dark).not.toContain(lightGreen);
      app.stdin.write('t');
      const light = await waitForFrame(app, (text) => text.includes('theme light') && text.includes(lightGreen));
      expect(light).not.toContain(defaultGreen);
      const colourCodes = (frame: string) => new Set(frame.match(/\u001B\[[0-9;]*m/g));
      expect(colourCodes(light)).not.toEqual(colourCodes(dark));
    } finally {
      chalk.level = level;
    }
  });

  it('starts with the theme it is given', async () => {
    const app = show(new FakeDaemon([]), { themeName: 'light' });
    await waitForFrame(app, (text) => text.includes('theme light'));
  });

  it('without colour (NO_COLOR) writes no colour codes and keeps the status symbols', async () => {
    // Ink colours through chalk, which turns itself off when stdout is not a terminal (as here).
    const level = chalk.level;
    chalk.level = 3;
    try {
      const colourCode = /\u001B\[(3|4|9|10)\d(;|m)/;
      const coloured = show(new FakeDaemon([makeService('up')]));
      expect(await waitForFrame(coloured, (text) => text.includes('● running'))).toMatch(colourCode);
      const daemon = new FakeDaemon([makeService('up'), makeService('down', { status: 'crashed' })]);
      const plain = show(daemon, { colour: false });
      const frame = await waitForFrame(plain, (text) => text.includes('✖ crashed') && text.includes('● running'));
      expect(frame).not.toMatch(colourCode);
    } finally {
      chalk.level = level;
    }
  });
});

describe('log pane', () => {
  it('follows the selected service, then all services prefixed by name', async () => {
    const daemon = new FakeDaemon([makeService('api'), makeService('web')]);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('logs · api'));
    await waitUntil(() => [...daemon.connections].length >= 2, 'the log stream connection');
    daemon.log('api', 'api says hello');
    daemon.log('web', 'web says hello');
    let frame = await waitForFrame(app, (text) => text.includes('api says hello'));
    expect(frame).not.toContain('web says hello');
    app.stdin.write('l');
    frame = await waitForFrame(app, (text) => text.includes('logs · all services') && text.includes('web says hello'));
    expect(frame).toMatch(/web\s+│ web says hello/);
    expect(frame).toMatch(/api\s+│ api says hello/);
  });

  it('shows the backlog, pauses with space, scrolls back, and resumes', async () => {
    const daemon = new FakeDaemon([makeService('api')]);
    for (let i = 0; i < 40; i++) daemon.log('api', `old line ${i}`);
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('old line 39'));
    app.stdin.write(' ');
    await waitForFrame(app, (text) => text.includes('❚❚ paused'));
    daemon.log('api', 'arrived while paused');
    // The collected line must not show while paused: watched over many flushes (flushMs is 20).
    await waitUntil(() => daemon.logLines.length === 41, 'the line to be sent');
    await holdsFor(() => !(app.lastFrame() ?? '').includes('arrived while paused'), { forMs: 500, message: 'the paused pane not showing the new line' });
    app.stdin.write('[');
    await waitForFrame(app, (text) => text.includes('↑10') && text.includes('old line 29') && !text.includes('old line 39'));
    app.stdin.write('p');
    await waitForFrame(app, (text) => text.includes('▶ following') && text.includes('arrived while paused'));
  });

  it('reopens the log stream when only its own connection drops', async () => {
    const daemon = new FakeDaemon([makeService('api')]);
    const app = show(daemon);
    const logConnection = () => [...daemon.connections].find((connection) => connection.topics.has('logs:api'));
    await waitUntil(() => logConnection() !== undefined, 'the log stream connection');
    logConnection()!.close();
    await waitForFrame(app, (text) => text.includes('log stream lost'));
    await waitUntil(() => logConnection() !== undefined, 'the log stream to reopen');
    daemon.log('api', 'after the reopen');
    const frame = await waitForFrame(app, (text) => text.includes('after the reopen'));
    expect(frame).toContain('● connected');
    expect(frame).not.toContain('log stream lost');
  });

  it('reopens the log stream when its connection drops while the backlog is being read', async () => {
    // The window the first test can hit under load: the close lands between subscribe and backlog,
    // so the backlog request fails too; that failure must not replace "reopening" nor stop the reopen.
    const daemon = new FakeDaemon([makeService('api')]);
    let dropped = false;
    daemon.onCall = (connection, method) => {
      if (method === 'logs' && connection.topics.has('logs:api') && !dropped) {
        dropped = true;
        connection.close();
      }
    };
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('log stream lost — reopening'));
    await waitUntil(() => dropped && [...daemon.connections].some((connection) => connection.topics.has('logs:api')), 'the log stream to reopen');
    daemon.log('api', 'after the reopen');
    const frame = await waitForFrame(app, (text) => text.includes('after the reopen'));
    expect(frame).not.toContain('log stream lost');
    expect(frame).not.toContain('connection to the herve daemon was lost');
  });

  it('filters log lines with / when the log pane has focus', async () => {
    const daemon = new FakeDaemon([makeService('api')]);
    daemon.log('api', 'GET /users 200');
    daemon.log('api', 'GET /orders 500');
    const app = show(daemon);
    await waitForFrame(app, (text) => text.includes('GET /orders 500'));
    app.stdin.write(KEYS.tab);
    app.stdin.write('/');
    await waitForFrame(app, (text) => text.includes('filter logs'));
    app.stdin.write('500');
    app.stdin.write(KEYS.enter);
    const frame = await waitForFrame(app, (text) => text.includes('filter: 500') && !text.includes('GET /users 200'));
    expect(frame).toContain('GET /orders 500');
  });

  it('strips escape sequences a service prints, so they cannot garble the screen', async () => {
    const daemon = new FakeDaemon([makeService('api')]);
    daemon.log('api', '\u001B[2J\u001B[31mred\u001B[0m text\u0007');
    const app = show(daemon, { colour: false });
    const frame = await waitForFrame(app, (text) => text.includes('red text'));
    expect(frame).not.toContain('\u001B[2J');
  });
});

describe('under load', () => {
  it('50 services and a 5,000 lines/s flood: renders stay batched and the log stays capped', async () => {
    const services = Array.from({ length: 50 }, (_, i) => makeService(`svc-${String(i).padStart(2, '0')}`));
    const daemon = new FakeDaemon(services);
    const app = show(daemon, { flushMs: 100, logCapacity: 500 });
    await waitForFrame(app, (text) => text.includes('svc-00') && text.includes('logs · svc-00'));
    await waitUntil(() => daemon.connections.size >= 2, 'the log stream connection');
    const framesBefore = app.frames.length;
    let sent = 0;
    // Ten ticks of flood: 500 lines, a stats event and a service change each, about 100 ms apart.
    // Counted in ticks, not in time, so a slow machine runs the same flood, only slower.
    const TICKS = 10;
    for (let tick = 0; tick < TICKS; tick++) {
      for (let i = 0; i < 500; i++) daemon.log('svc-00', `flood ${sent++}`);
      daemon.stats();
      daemon.update('svc-01', { restarts: sent });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const frame = await waitForFrame(app, (text) => text.includes(`flood ${sent - 1}`));
    const frames = app.frames.length - framesBefore;
    expect(sent).toBe(5000);
    // A flush or two per tick; unbatched it would be thousands.
    expect(frames, `${sent} lines drew ${frames} frames`).toBeLessThan(TICKS * 4);
    expect(frame).toContain('svc-00');
  });
});
