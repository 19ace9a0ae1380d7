import { Box, Text, useApp, useInput } from 'ink';
import { useCallback, useMemo, useReducer, useRef } from 'react';
import type { LifecycleResult, RegisterInput } from '../../protocol/index.js';
import { UserError } from '../client/index.js';
import { DEFAULT_THEME, loadTheme, nextThemeName } from '../../themes/index.js';
import { ConfirmBar } from './components/ConfirmBar.js';
import { DetailPane } from './components/DetailPane.js';
import { Footer } from './components/Footer.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { InspectorPane } from './components/InspectorPane.js';
import { LogPane } from './components/LogPane.js';
import { RegisterForm } from './components/RegisterForm.js';
import { ServicesTable } from './components/ServicesTable.js';
import { StatusLine } from './components/StatusLine.js';
import { TextInput } from './components/TextInput.js';
import { useActions } from './hooks/use-actions.js';
import { useDaemonConnection, type ConnectDaemon } from './hooks/use-daemon-connection.js';
import { useDashboardData } from './hooks/use-dashboard-data.js';
import { useDashboardKeys, type DashboardCommands } from './hooks/use-dashboard-keys.js';
import { useInspectorKeys } from './hooks/use-inspector-keys.js';
import { useLogStream } from './hooks/use-log-stream.js';
import { useRequestDetail } from './hooks/use-request-detail.js';
import { useRequestStream } from './hooks/use-request-stream.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { layoutColumns } from './model/columns.js';
import { computeLayout } from './model/layout.js';
import { requestKey, selectedRequest } from './model/request-list.js';
import { focusedFilter, initialUiState, uiReducer, type PendingAction } from './model/ui-state.js';
import { matchesFilter, startProblem } from '../presentation/service-view.js';
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

/** A start the daemon saw fail (crashed, stopped, still starting) is an error in the status line. */
function refuseFailedStart(result: LifecycleResult): void {
  const problem = startProblem(result);
  if (problem !== null) throw new UserError(problem, 'its log is in the log pane');
}

export function Dashboard(props: DashboardProps) {
  const { connect, socketPath, retryMs, answerWithinMs, flushMs, logCapacity, colour = true } = props;
  const app = useApp();
  const quit = props.onQuit ?? app.exit;
  const size = useTerminalSize();
  const connection = useDaemonConnection(connect, retryMs, answerWithinMs);
  const { state, syncError } = useDashboardData(connection.client, flushMs);
  const actions = useActions(connection.client);

  const [ui, dispatch] = useReducer(uiReducer, props.themeName ?? DEFAULT_THEME, initialUiState);
  const { mode, confirmation, focus, tableFilter, logFilter, followAll, paused, scrollBack, selectedName, themeName, inspector } = ui;
  const theme = useMemo(() => loadTheme(themeName, { colour }), [themeName, colour]);

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

  const inspected = mode === 'inspect' ? (selected?.name ?? null) : null;
  const traffic = useRequestStream({ connect, connection: connection.client, service: inspected, flushMs, answerWithinMs });
  const requestDetail = useRequestDetail(connection.client, inspector.opened);
  const trafficRef = useRef(traffic.requests);
  trafficRef.current = traffic.requests;

  const onSelected = (verb: string, action: (name: string) => void) => {
    if (selected) action(selected.name);
    else actions.say({ kind: 'info', text: `no service to ${verb}` });
  };
  const confirm = (question: string, action: PendingAction) => dispatch({ type: 'confirm', confirmation: { question, action } });
  const lifecycle = (method: 'start' | 'stop' | 'restart', progress: string) => (name: string) =>
    actions.run(`${progress} ${name}…`, async (client) => {
      const info = await client.call(method, { service: name });
      if (method !== 'stop') refuseFailedStart(info);
      return `${info.name} is ${info.status}`;
    });

  const unregister = (name: string) =>
    actions.run(`unregistering ${name}…`, async (client) => `${(await client.call('unregister', { service: name })).name} unregistered`);

  const commands: DashboardCommands = {
    moveSelection: (step) => dispatch({ type: 'move', step, names: visibleRef.current.map((service) => service.name) }),
    start: () => onSelected('start', lifecycle('start', 'starting')),
    stop: () => onSelected('stop', (name) => confirm(`Stop ${name}?`, { kind: 'stop', name })),
    restart: () => onSelected('restart', lifecycle('restart', 'restarting')),
    register: () => dispatch({ type: 'mode', mode: 'register' }),
    unregister: () =>
      onSelected('unregister', (name) => confirm(`Unregister ${name}? Its processes stop and its record is deleted.`, { kind: 'unregister', name })),
    toggleLogSource: () => dispatch({ type: 'toggleLogSource' }),
    togglePause: () => dispatch({ type: 'togglePause' }),
    scrollLogs: (lines) => dispatch({ type: 'scroll', lines, newest: logs.lines.length - 1 }),
    toggleFocus: () => dispatch({ type: 'toggleFocus' }),
    editFilter: () => dispatch({ type: 'mode', mode: 'filter' }),
    clearFilter: () => dispatch({ type: 'filter', update: () => '' }),
    nextTheme: () => {
      const next = nextThemeName(themeName);
      dispatch({ type: 'theme', name: next });
      actions.say({ kind: 'info', text: `theme ${next}` });
    },
    help: () => dispatch({ type: 'mode', mode: 'help' }),
    inspect: () => onSelected('inspect', () => dispatch({ type: 'mode', mode: 'inspect' })),
    quit,
  };
  useDashboardKeys(commands, focus, mode === 'normal');
  useInspectorKeys(
    {
      move: (step) => dispatch({ type: 'inspectMove', step, keys: trafficRef.current.map(requestKey) }),
      open: () => {
        const record = selectedRequest(trafficRef.current, inspector.selectedKey);
        if (record) dispatch({ type: 'inspectOpen', service: record.service, requestId: record.requestId, key: requestKey(record) });
      },
      back: () => dispatch({ type: 'inspectBack' }),
      close: () => dispatch({ type: 'inspectClose' }),
      quit,
    },
    mode === 'inspect',
  );
  useInput(() => dispatch({ type: 'mode', mode: 'normal' }), { isActive: mode === 'help' });

  const backToNormal = useCallback(() => dispatch({ type: 'mode', mode: 'normal' }), []);
  const submitRegistration = (params: RegisterInput) => {
    backToNormal();
    actions.run(`registering ${params.name ?? params.type}…`, async (client) => {
      const info = await client.call('register', params);
      dispatch({ type: 'select', name: info.name });
      refuseFailedStart(info);
      return `${info.name} registered (${info.status})`;
    });
  };
  const answer = (yes: boolean) => {
    dispatch({ type: 'answered' });
    if (!yes || !confirmation) return actions.say({ kind: 'info', text: 'cancelled' });
    const { kind, name } = confirmation.action;
    if (kind === 'stop') lifecycle('stop', 'stopping')(name);
    else unregister(name);
  };

  const filterValue = focusedFilter(ui);
  const setFilter = useCallback((update: (current: string) => string) => dispatch({ type: 'filter', update }), []);
  const status = actions.status ?? (syncError ? { kind: 'error' as const, text: `could not load services: ${syncError}` } : null);
  const emptyText = !state.synced
    ? 'waiting for the daemon…'
    : state.services.length === 0
      ? 'no services yet — press n to register one'
      : `nothing matches "${tableFilter}" — Esc clears the filter`;

  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={layout.width}>
        <Header
          services={state.services}
          shown={visible.length}
          filter={tableFilter}
          filterEditing={mode === 'filter' && focus === 'table'}
          stale={!state.synced}
          width={layout.width}
        />
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
            ) : mode === 'inspect' ? (
              <InspectorPane
                service={inspected}
                requests={traffic.requests}
                selectedKey={inspector.selectedKey}
                detail={inspector.opened === null ? null : requestDetail}
                error={traffic.error}
                width={layout.width}
                height={layout.bottomHeight}
              />
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
              <TextInput
                value={filterValue}
                onChange={setFilter}
                onSubmit={backToNormal}
                onCancel={() => {
                  setFilter(() => '');
                  backToNormal();
                }}
              />
            </Text>
          ) : (
            <StatusLine status={status} />
          )}
        </Box>
        <Footer
          keys={keyHints(mode, focus, inspector.opened !== null)}
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
