import { Box, Text, useApp, useInput } from 'ink';
import { useCallback, useMemo, useRef, useState } from 'react';
import type { RegisterInput } from '../../protocol/index.js';
import { DEFAULT_THEME, loadTheme, nextThemeName } from '../../themes/index.js';
import { ConfirmBar } from './components/ConfirmBar.js';
import { DetailPane } from './components/DetailPane.js';
import { Footer } from './components/Footer.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { LogPane } from './components/LogPane.js';
import { RegisterForm } from './components/RegisterForm.js';
import { ServicesTable } from './components/ServicesTable.js';
import { StatusLine } from './components/StatusLine.js';
import { TextInput } from './components/TextInput.js';
import { useActions } from './hooks/use-actions.js';
import { useDaemonConnection, type ConnectDaemon } from './hooks/use-daemon-connection.js';
import { useDashboardData } from './hooks/use-dashboard-data.js';
import { useDashboardKeys, type DashboardCommands, type Focus } from './hooks/use-dashboard-keys.js';
import { useLogStream } from './hooks/use-log-stream.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { layoutColumns } from './model/columns.js';
import { computeLayout } from './model/layout.js';
import { matchesFilter } from './model/service-view.js';
import { ThemeContext } from './theme-context.js';
import { keyHints } from './key-hints.js';

export interface DashboardProps {
  /** Opens a connection to the daemon; called again on every reconnect and for the log stream. */
  connect: ConnectDaemon;
  /** Shown in the footer. */
  socketPath: string;
  themeName?: string;
  /** False under NO_COLOR: symbols and text only. */
  colour?: boolean;
  retryMs?: number;
  /** How long a connection attempt may wait for the daemon's hello. */
  answerWithinMs?: number;
  flushMs?: number;
  logCapacity?: number;
  onQuit?: () => void;
}

type Mode = 'normal' | 'filter' | 'confirm' | 'register' | 'help';
interface Confirmation {
  question: string;
  onYes: () => void;
}

export function Dashboard(props: DashboardProps) {
  const { connect, socketPath, retryMs, answerWithinMs, flushMs, logCapacity, colour = true } = props;
  const app = useApp();
  const quit = props.onQuit ?? app.exit;
  const size = useTerminalSize();
  const connection = useDaemonConnection(connect, retryMs, answerWithinMs);
  const { state, syncError } = useDashboardData(connection.client, flushMs);
  const actions = useActions(connection.client);

  const [themeName, setThemeName] = useState(props.themeName ?? DEFAULT_THEME);
  const theme = useMemo(() => loadTheme(themeName, { colour }), [themeName, colour]);
  const [mode, setMode] = useState<Mode>('normal');
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const [focus, setFocus] = useState<Focus>('table');
  const [tableFilter, setTableFilter] = useState('');
  const [logFilter, setLogFilter] = useState('');
  const [followAll, setFollowAll] = useState(false);
  const [paused, setPaused] = useState(false);
  const [scrollBack, setScrollBack] = useState(0);
  const [selectedName, setSelectedName] = useState<string | null>(null);

  const visible = useMemo(() => state.services.filter((service) => matchesFilter(service, tableFilter)), [state.services, tableFilter]);
  const selected = visible.find((service) => service.name === selectedName) ?? visible[0];
  // Read by key handlers: several keys can arrive before the next render.
  const visibleRef = useRef(visible);
  visibleRef.current = visible;
  const layout = computeLayout(size.columns, size.rows, visible.length);
  const columns = useMemo(() => layoutColumns(layout.width - 2), [layout.width]);

  const logs = useLogStream({
    connect,
    connection: connection.client,
    service: followAll ? null : (selected?.name ?? null),
    paused,
    capacity: logCapacity,
    flushMs,
    answerWithinMs,
  });

  const onSelected = (verb: string, action: (name: string) => void) => {
    if (selected) action(selected.name);
    else actions.say({ kind: 'info', text: `no service to ${verb}` });
  };
  const confirm = (question: string, onYes: () => void) => {
    setConfirmation({ question, onYes });
    setMode('confirm');
  };
  const lifecycle = (method: 'start' | 'stop' | 'restart', progress: string) => (name: string) =>
    actions.run(`${progress} ${name}…`, async (client) => {
      const info = await client.call(method, { service: name });
      return `${info.name} is ${info.status}`;
    });

  const commands: DashboardCommands = {
    moveSelection: (step) =>
      setSelectedName((current) => {
        const list = visibleRef.current;
        if (list.length === 0) return current;
        const index = Math.max(0, list.findIndex((service) => service.name === current));
        return list[Math.max(0, Math.min(list.length - 1, index + step))].name;
      }),
    start: () => onSelected('start', lifecycle('start', 'starting')),
    stop: () => onSelected('stop', (name) => confirm(`Stop ${name}?`, () => lifecycle('stop', 'stopping')(name))),
    restart: () => onSelected('restart', lifecycle('restart', 'restarting')),
    register: () => setMode('register'),
    unregister: () =>
      onSelected('unregister', (name) =>
        confirm(`Unregister ${name}? Its processes stop and its record is deleted.`, () =>
          actions.run(`unregistering ${name}…`, async (client) => `${(await client.call('unregister', { service: name })).name} unregistered`),
        ),
      ),
    toggleLogSource: () => {
      setFollowAll((all) => !all);
      setScrollBack(0);
    },
    togglePause: () => {
      setPaused((was) => !was);
      setScrollBack(0);
    },
    scrollLogs: (lines) => {
      if (lines > 0) setPaused(true);
      setScrollBack((back) => Math.max(0, Math.min(Math.max(0, logs.lines.length - 1), back + lines)));
    },
    toggleFocus: () => setFocus((current) => (current === 'table' ? 'logs' : 'table')),
    editFilter: () => setMode('filter'),
    clearFilter: () => (focus === 'table' ? setTableFilter('') : setLogFilter('')),
    nextTheme: () => {
      const next = nextThemeName(themeName);
      setThemeName(next);
      actions.say({ kind: 'info', text: `theme ${next}` });
    },
    help: () => setMode('help'),
    quit,
  };
  useDashboardKeys(commands, focus, mode === 'normal');
  useInput(() => setMode('normal'), { isActive: mode === 'help' });

  const backToNormal = useCallback(() => setMode('normal'), []);
  const submitRegistration = (params: RegisterInput) => {
    setMode('normal');
    actions.run(`registering ${params.name ?? params.type}…`, async (client) => {
      const info = await client.call('register', params);
      setSelectedName(info.name);
      return `${info.name} registered (${info.status})`;
    });
  };
  const answer = (yes: boolean) => {
    setMode('normal');
    setConfirmation(null);
    if (yes) confirmation?.onYes();
    else actions.say({ kind: 'info', text: 'cancelled' });
  };

  const filterValue = focus === 'table' ? tableFilter : logFilter;
  const setFilter = focus === 'table' ? setTableFilter : setLogFilter;
  const status = actions.status ?? (syncError ? { kind: 'error' as const, text: `could not load services: ${syncError}` } : null);
  const emptyText = !state.synced
    ? 'waiting for the daemon…'
    : state.services.length === 0
      ? 'no services yet — press n to register one'
      : `nothing matches "${tableFilter}" — Esc clears the filter`;

  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={layout.width}>
        <Header services={state.services} shown={visible.length} filter={tableFilter} filterEditing={mode === 'filter' && focus === 'table'} stale={!state.synced} width={layout.width} />
        {mode === 'help' ? (
          <HelpOverlay width={layout.width} height={layout.tableRows + 3 + layout.bottomHeight} />
        ) : (
          <>
            <ServicesTable
              services={visible}
              stats={state.stats}
              columns={columns}
              selectedName={selected?.name ?? null}
              visibleRows={layout.tableRows}
              width={layout.width}
              now={state.now || Date.now()}
              emptyText={emptyText}
            />
            {mode === 'register' ? (
              <RegisterForm types={state.types} width={layout.width} height={layout.bottomHeight} onSubmit={submitRegistration} onCancel={backToNormal} />
            ) : (
              <Box height={layout.bottomHeight}>
                {layout.detailWidth > 0 ? (
                  <DetailPane
                    service={selected}
                    stats={selected ? state.stats.get(selected.name) : undefined}
                    rateHistory={selected ? state.rateHistory.get(selected.name) : undefined}
                    width={layout.detailWidth}
                    height={layout.bottomHeight}
                  />
                ) : null}
                <LogPane
                  lines={logs.lines}
                  service={followAll ? null : (selected?.name ?? null)}
                  paused={paused}
                  scrollBack={scrollBack}
                  filter={logFilter}
                  focused={focus === 'logs'}
                  error={logs.error}
                  width={layout.logWidth}
                  height={layout.bottomHeight}
                />
              </Box>
            )}
          </>
        )}
        <Box width={layout.width}>
          {mode === 'confirm' && confirmation ? (
            <ConfirmBar question={confirmation.question} onAnswer={answer} />
          ) : mode === 'filter' ? (
            <Text wrap="truncate-end">
              <Text color={theme.accent} bold>{`/ filter ${focus === 'table' ? 'services' : 'logs'}: `}</Text>
              <TextInput value={filterValue} onChange={setFilter} onSubmit={backToNormal} onCancel={() => { setFilter(''); backToNormal(); }} />
            </Text>
          ) : (
            <StatusLine status={status} />
          )}
        </Box>
        <Footer
          keys={keyHints(mode, focus)}
          connection={connection}
          daemon={state.daemon}
          lastReload={state.lastReload}
          socketPath={socketPath}
          themeName={theme.name}
          now={state.now || Date.now()}
          width={layout.width}
        />
      </Box>
    </ThemeContext.Provider>
  );
}
