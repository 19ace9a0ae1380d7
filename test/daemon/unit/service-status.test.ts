import { describe, expect, it } from 'vitest';
import { deriveServiceStatus } from '../../../daemon/orchestrator/service-status.js';

describe('service status from instance statuses', () => {
  it('running only when every instance runs', () => {
    expect(deriveServiceStatus('running', false, ['running', 'running'])).toBe('running');
    expect(deriveServiceStatus('running', false, ['running', 'starting'])).toBe('starting');
    expect(deriveServiceStatus('running', false, ['running', 'backoff'])).toBe('starting');
  });

  it('unhealthy when an instance is, or when one runs beside a dead one', () => {
    expect(deriveServiceStatus('running', false, ['running', 'unhealthy'])).toBe('unhealthy');
    expect(deriveServiceStatus('running', false, ['running', 'crashed'])).toBe('unhealthy');
  });

  it('stopping while any instance stops, whatever is desired', () => {
    expect(deriveServiceStatus('stopped', false, ['stopping', 'stopped'])).toBe('stopping');
    expect(deriveServiceStatus('running', false, ['running', 'stopping'])).toBe('stopping');
  });

  it('crashed in a crash loop once nothing runs', () => {
    expect(deriveServiceStatus('running', true, ['crashed'])).toBe('crashed');
    expect(deriveServiceStatus('running', true, ['crashed', 'running'])).toBe('unhealthy');
    expect(deriveServiceStatus('running', false, ['crashed'])).toBe('crashed');
  });

  it('stopped when stopped is desired and reached, or nothing is left', () => {
    expect(deriveServiceStatus('stopped', false, ['stopped', 'stopped'])).toBe('stopped');
    expect(deriveServiceStatus('running', false, ['stopped'])).toBe('stopped');
    expect(deriveServiceStatus('stopped', false, ['crashed'])).toBe('stopped');
  });
});
