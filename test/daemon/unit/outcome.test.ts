import { describe, expect, it } from 'vitest';
import { isSettled, outcomeOf } from '../../../daemon/orchestrator/outcome.js';

describe('the outcome of a start or stop', () => {
  it('is pending while any instance is starting or stopping', () => {
    expect(isSettled(['running', 'starting'])).toBe(false);
    expect(outcomeOf(['running', 'starting'])).toBe('pending');
    expect(outcomeOf(['stopping'])).toBe('pending');
  });

  it('is crashed when an instance exited while starting, even while it waits to be restarted', () => {
    expect(outcomeOf(['backoff'])).toBe('crashed');
    expect(outcomeOf(['running', 'crashed'])).toBe('crashed');
  });

  it('is running only when every instance is, unhealthy when one is not, stopped when one stopped', () => {
    expect(outcomeOf(['running', 'running'])).toBe('running');
    expect(outcomeOf(['running', 'unhealthy'])).toBe('unhealthy');
    expect(outcomeOf(['stopped', 'stopped'])).toBe('stopped');
    expect(outcomeOf(['running', 'stopped'])).toBe('stopped');
  });
});
