import { describe, expect, it } from 'vitest';
import { ALL_COLUMNS, layoutColumns, ROW_MARKER_WIDTH } from '../../cli/tui/model/columns.js';
import { formatDuration } from '../../cli/presentation/format.js';
import { splitCommandLine } from '../../protocol/command-line.js';
import { applyEvents, EMPTY_DASHBOARD, RATE_HISTORY_SAMPLES, reloadText, resync } from '../../cli/tui/model/dashboard-state.js';
import { computeLayout } from '../../cli/tui/model/layout.js';
import { LogBuffer } from '../../cli/tui/model/log-buffer.js';
import { EMPTY_DRAFT } from '../../cli/tui/model/register-draft.js';
import { draftToParams } from '../../cli/tui/model/register-form.js';
import { printable } from '../../cli/tui/model/sanitize.js';
import { sparkline } from '../../cli/tui/model/sparkline.js';
import { chooseThemeName, colourWanted, loadTheme, nextThemeName, THEME_NAMES, UnknownThemeError } from '../../themes/index.js';
import { ThemeSchema } from '../../themes/theme-schema.js';
import { makeService } from './fake-daemon.js';

describe('formatting', () => {
  it('draws a sparkline scaled to its largest value', () => {
    expect(sparkline([0, 5, 10], 3)).toBe('▁▅█');
    expect(sparkline([0, 0], 4)).toBe('  ▁▁');
  });

  it('strips escape sequences and control characters from log lines', () => {
    expect(printable('\u001B[31mred\u001B[0m\tand\u0007 \u001B]0;title\u0007bell')).toBe('red  and bell');
  });
});

describe('layout', () => {
  it('drops the least useful columns on narrow terminals and never exceeds the width', () => {
    for (const width of [60, 80, 100, 120, 160, 240]) {
      const columns = layoutColumns(width);
      const used = ROW_MARKER_WIDTH + columns.reduce((sum, column) => sum + column.width, 0) + columns.length - 1;
      expect(used, `width ${width}`).toBeLessThanOrEqual(Math.max(width, 40));
      expect(columns.map((column) => column.key)).toEqual(expect.arrayContaining(['name', 'status']));
    }
    expect(layoutColumns(200)).toHaveLength(ALL_COLUMNS.length);
  });

  it('keeps the frame one line shorter than the terminal', () => {
    for (const [columns, rows, count] of [
      [160, 45, 3],
      [100, 24, 50],
      [80, 12, 10],
    ] as const) {
      const layout = computeLayout(columns, rows, count);
      const total = 1 + layout.tableRows + 3 + layout.bottomHeight + 1 + 2;
      expect(total, `${columns}x${rows}`).toBeLessThanOrEqual(Math.max(rows - 1, 14));
      expect(layout.detailWidth + layout.logWidth).toBe(Math.max(20, columns));
    }
  });
});

describe('dashboard state', () => {
  it('applies service, removal and stats events, keeping unchanged objects', () => {
    const echo = makeService('echo');
    const web = makeService('web');
    const synced = resync(EMPTY_DASHBOARD, { services: [web, echo], types: [], daemon: { pid: 1, uptimeMs: 5 } }, 0);
    expect(synced.services.map((service) => service.name)).toEqual(['echo', 'web']);
    const same = applyEvents(synced, [{ event: 'service', data: { ...echo } }], 1);
    expect(same).toBe(synced);
    const removed = applyEvents(synced, [{ event: 'service.removed', data: { uuid: web.uuid, name: 'web' } }], 1);
    expect(removed.services.map((service) => service.name)).toEqual(['echo']);
    const snapshot = (rate: number) => ({
      event: 'stats' as const,
      data: {
        at: 0,
        daemon: { pid: 1, uptimeMs: 9, cpuPercent: 0.1, rssBytes: 1 },
        services: [
          {
            name: 'echo',
            cpuPercent: 1,
            rssBytes: 2,
            instances: [],
            requests: { total: 1, ratePerSec: rate, errors5xx: 0, errorRate: 0, p50Ms: 1, p90Ms: 2, p99Ms: 3, bytesOut: 0 },
          },
        ],
      },
    });
    let state = synced;
    for (let i = 0; i < RATE_HISTORY_SAMPLES + 10; i++) state = applyEvents(state, [snapshot(i)], i);
    const history = state.rateHistory.get('echo')!;
    expect(history).toHaveLength(RATE_HISTORY_SAMPLES);
    expect(history.at(-1)).toBe(RATE_HISTORY_SAMPLES + 9);
  });

  it('caps the log buffer', () => {
    const buffer = new LogBuffer(3);
    const line = (n: number) => ({ service: 's', instance: 0, stream: 'stdout' as const, at: n, line: String(n) });
    buffer.append([line(1), line(2)]);
    buffer.append([line(3), line(4)]);
    expect(buffer.snapshot().map((entry) => entry.line)).toEqual(['2', '3', '4']);
    buffer.append([line(5), line(6), line(7), line(8)]);
    expect(buffer.snapshot().map((entry) => entry.line)).toEqual(['6', '7', '8']);
  });
});

describe('last reload', () => {
  it('a reload event sets it, a resync without it keeps it, and the footer says when and why', () => {
    const reload = { file: '/p/herve.yaml', reason: 'file changed', at: 1_000, added: 1, removed: 0, changed: 2, unchanged: 3, error: null };
    const state = applyEvents(EMPTY_DASHBOARD, [{ event: 'reload', data: reload }], 1_000);
    expect(state.lastReload).toEqual(reload);
    expect(resync(state, { services: [], types: null, daemon: null }, 2_000).lastReload).toEqual(reload);
    expect(reloadText(reload, 13_000, formatDuration)).toBe(`reloaded ${formatDuration(12_000)} ago (file changed: +1 ~2 -0)`);
    expect(reloadText({ ...reload, error: 'api waited 60 s for db' }, 13_000, formatDuration)).toContain('stopped: api waited');
    expect(reloadText(null, 0, formatDuration)).toBe('');
  });
});

describe('register form', () => {
  it('splits a command line with quotes and escapes', () => {
    expect(splitCommandLine(`node "my server.js" --name 'a b' c\\ d`)).toEqual(['node', 'my server.js', '--name', 'a b', 'c d']);
  });

  it('turns a draft into register params, or says what is wrong', () => {
    expect(draftToParams({ ...EMPTY_DRAFT, type: 'static', option: 'root=./public' }, '/srv')).toEqual({
      ok: true,
      params: { type: 'static', replicas: 1, options: { root: './public' }, cwd: '/srv' },
    });
    expect(draftToParams({ ...EMPTY_DRAFT, type: 'command' }, '/srv')).toMatchObject({ ok: false, error: expect.stringContaining('command line') });
    expect(draftToParams({ ...EMPTY_DRAFT, type: 'echo', replicas: '0' }, '/srv')).toMatchObject({ ok: false });
    expect(draftToParams({ ...EMPTY_DRAFT, type: 'echo', name: 'health' }, '/srv')).toMatchObject({ ok: false, error: expect.stringContaining('reserved') });
  });
});

describe('themes', () => {
  it('ships only themes that follow the theme schema, unchanged by it (they are not parsed at run time)', () => {
    for (const name of THEME_NAMES) {
      const { colour: _colour, ...data } = loadTheme(name);
      expect(ThemeSchema.parse(data), name).toEqual(data);
    }
  });

  it('bundles default, light and high-contrast, and cycles through them', () => {
    expect(THEME_NAMES).toEqual(['default', 'light', 'high-contrast']);
    expect(nextThemeName('high-contrast')).toBe('default');
    expect(() => loadTheme('neon')).toThrow(UnknownThemeError);
  });

  it('takes --theme over HERVE_THEME over the default, and honours NO_COLOR', () => {
    expect(chooseThemeName('light', { HERVE_THEME: 'high-contrast' })).toBe('light');
    expect(chooseThemeName(undefined, { HERVE_THEME: 'high-contrast' })).toBe('high-contrast');
    expect(chooseThemeName(undefined, {})).toBe('default');
    expect(colourWanted({ NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ NO_COLOR: '' })).toBe(true);
    const plain = loadTheme('default', { colour: false });
    expect(plain.status.running).toBeUndefined();
    expect(plain.colour).toBe(false);
  });
});
