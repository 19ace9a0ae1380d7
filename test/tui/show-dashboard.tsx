import { render } from 'ink-testing-library';
import { Dashboard, type DashboardProps } from '../../cli/tui/Dashboard.js';
import type { FakeDaemon } from './fake-daemon.js';

const mounted: Array<ReturnType<typeof render>> = [];

/** Render the dashboard over a fake daemon, with short retry and flush timers for tests. */
export function show(daemon: FakeDaemon, props: Partial<DashboardProps> = {}) {
  const app = render(<Dashboard connect={daemon.connect} socketPath="/tmp/hv-fake/herve.sock" retryMs={50} flushMs={20} {...props} />);
  mounted.push(app);
  return app;
}

/** Unmount every dashboard `show` rendered; call from afterEach. */
export function unmountAll(): void {
  for (const app of mounted.splice(0)) app.unmount();
}
