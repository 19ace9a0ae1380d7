import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { DetailPane } from '../../cli/tui/components/DetailPane.js';
import { itemAt } from '../helpers/item-at.js';
import { makeService } from './fake-daemon.js';

describe('a rolling restart in the detail pane', () => {
  it('shows the old and new instances, which serves and which drains, and why it rolls', () => {
    const base = makeService('web');
    const first = itemAt(base.instances, 0);
    const old = { ...first, index: 0, roll: 'old' as const, draining: true };
    const fresh = { ...first, index: 2, port: 43_002, roll: 'new' as const, ready: true, status: 'running' as const };
    const service = { ...base, instances: [old, fresh], roll: { step: 1, of: 2, reason: 'restart requested' } };
    const view = render(<DetailPane service={service} stats={undefined} rateHistory={undefined} width={150} height={12} />);
    const frame = view.lastFrame() ?? '';
    view.unmount();
    expect(frame).toContain('#0 old draining');
    expect(frame).toContain('#2 new serving :43002');
    expect(frame).toContain('rolling   replica 1/2: old [0] draining → new [2] serving (restart requested)');
  });

  it('shows nothing about rolls when none runs', () => {
    const view = render(<DetailPane service={makeService('calm')} stats={undefined} rateHistory={undefined} width={150} height={12} />);
    const frame = view.lastFrame() ?? '';
    view.unmount();
    expect(frame).not.toContain('rolling');
    expect(frame).toContain('GET /health every');
  });
});
