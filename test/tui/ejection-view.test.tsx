import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { DetailPane } from '../../cli/tui/components/DetailPane.js';
import { makeService } from './fake-daemon.js';

describe('an ejected instance in the detail pane', () => {
  it('marks it ejected with the time left, and says until when and why', () => {
    const base = makeService('web');
    const serving = { ...base.instances[0]!, index: 0, port: 43_000, ready: true, status: 'running' as const };
    const until = Date.now() + 30_000;
    const ejected = {
      ...serving,
      index: 1,
      port: 43_001,
      ejected: { until, failures: 3, reason: 'connect ECONNREFUSED', streak: 1 },
    };
    const view = render(<DetailPane service={{ ...base, instances: [serving, ejected] }} stats={undefined} rateHistory={undefined} width={160} height={12} />);
    const frame = view.lastFrame() ?? '';
    view.unmount();
    expect(frame).toContain('#0 running ✓ :43000');
    expect(frame).toMatch(/#1 ⊘ ejected \d+s more :43001/);
    expect(frame).toContain(`ejected   #1 ⊘ ejected until ${new Date(until).toLocaleTimeString()}`);
    expect(frame).toContain('3 failures, last connect ECONNREFUSED');
  });

  it('says an instance being restarted by passive health is out until it has restarted', () => {
    const base = makeService('web');
    const restarting = { ...base.instances[0]!, ejected: { until: null, failures: 3, reason: 'HTTP 500', streak: 3 } };
    const view = render(<DetailPane service={{ ...base, instances: [restarting] }} stats={undefined} rateHistory={undefined} width={160} height={12} />);
    const frame = view.lastFrame() ?? '';
    view.unmount();
    expect(frame).toContain('⊘ ejected, restarting');
    expect(frame).toContain('⊘ ejected until restarted: 3 failures, last HTTP 500');
  });
});
