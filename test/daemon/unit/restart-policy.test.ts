import { describe, expect, it } from 'vitest';
import { BackoffCounter, CrashLoopDetector, STABLE_READY_MS, backoffDelay, isStableRun, wantsRestart } from '../../../daemon/orchestrator/restart-policy.js';

const spec = { backoffInitialMs: 100, backoffMaxMs: 1000 };

describe('backoff', () => {
  it('doubles from the initial delay and stops at the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, spec))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('stays finite for huge attempt counts and zero initial delay', () => {
    expect(backoffDelay(10_000, spec)).toBe(1000);
    expect(backoffDelay(5, { backoffInitialMs: 0, backoffMaxMs: 1000 })).toBe(0);
  });

  it('restarts at once after a stable run, then backs off from the initial delay', () => {
    const counter = new BackoffCounter();
    expect([counter.next(false, spec), counter.next(false, spec), counter.next(false, spec)]).toEqual([100, 200, 400]);
    expect(counter.next(true, spec)).toBe(0);
    expect(counter.next(false, spec)).toBe(100);
    expect(counter.next(false, spec)).toBe(200);
    counter.reset();
    expect(counter.next(false, spec)).toBe(100);
  });

  it('a run is stable once ready for STABLE_READY_MS', () => {
    expect(isStableRun(null, 100_000)).toBe(false);
    expect(isStableRun(1000, 1000 + STABLE_READY_MS - 1)).toBe(false);
    expect(isStableRun(1000, 1000 + STABLE_READY_MS)).toBe(true);
  });
});

describe('crash loop', () => {
  it('trips on the limit-th crash inside the window', () => {
    const detector = new CrashLoopDetector({ crashLoopLimit: 3, crashLoopWindowMs: 1000 });
    expect(detector.record(0)).toBe(false);
    expect(detector.record(500)).toBe(false);
    expect(detector.record(999)).toBe(true);
  });

  it('forgets crashes that slid out of the window', () => {
    const detector = new CrashLoopDetector({ crashLoopLimit: 3, crashLoopWindowMs: 1000 });
    detector.record(0);
    detector.record(600);
    expect(detector.record(1000)).toBe(false);
    expect(detector.record(1500)).toBe(true);
  });

  it('starts from nothing after a reset', () => {
    const detector = new CrashLoopDetector({ crashLoopLimit: 2, crashLoopWindowMs: 1000 });
    detector.record(0);
    detector.reset();
    expect(detector.record(10)).toBe(false);
  });

  it('a limit of one trips on the first crash', () => {
    expect(new CrashLoopDetector({ crashLoopLimit: 1, crashLoopWindowMs: 1000 }).record(0)).toBe(true);
  });
});

describe('restart policy', () => {
  it('always, on-failure and never', () => {
    expect([wantsRestart('always', false), wantsRestart('always', true)]).toEqual([true, true]);
    expect([wantsRestart('on-failure', false), wantsRestart('on-failure', true)]).toEqual([false, true]);
    expect([wantsRestart('never', false), wantsRestart('never', true)]).toEqual([false, false]);
  });
});
