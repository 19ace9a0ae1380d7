import { describe, expect, it } from 'vitest';
import { OutlierDetector } from '../../../daemon/orchestrator/outlier-detector.js';
import { PassiveHealthSpec } from '../../../protocol/index.js';

const spec = PassiveHealthSpec.parse({});
const detector = () => new OutlierDetector(() => spec);

describe('the passive-health rule', () => {
  it('has nginx-like defaults: 3 failures in 10 s, 10 s out, connection failures and timeouts only', () => {
    expect(spec).toEqual({
      maxFails: 3,
      failWindowMs: 10_000,
      coolDownMs: 10_000,
      restartAfterEjections: 3,
      count5xx: false,
    });
  });

  it('trips at maxFails within the window; a success or a window gone by starts over', () => {
    const rule = detector();
    expect([rule.failed(0), rule.failed(1)]).toEqual([false, false]);
    rule.succeeded();
    expect([rule.failed(2), rule.failed(3)]).toEqual([false, false]);
    expect(rule.failed(20_000)).toBe(false);
    expect([rule.failed(20_001), rule.failed(20_002)]).toEqual([false, true]);
  });

  it('doubles the cool-down for ejections in a row, asks for a restart at the third, and forgets after a healthy period', () => {
    const rule = detector();
    const tripAt = (at: number) => {
      for (let i = 0; i < 3; i++) rule.failed(at);
      return rule.trip(at, 'HTTP 500');
    };
    expect(tripAt(0)).toEqual({ until: 10_000, failures: 3, reason: 'HTTP 500', streak: 1 });
    expect(rule.failed(5_000)).toBe(false);
    rule.returned(10_000);
    expect(tripAt(11_000)).toMatchObject({ until: 31_000, streak: 2 });
    rule.returned(31_000);
    expect(tripAt(32_000)).toMatchObject({ until: null, streak: 3 });
    rule.returned(40_000);
    expect(tripAt(50_000)).toMatchObject({ until: 60_000, streak: 1 });
  });

  it('keeps ejecting what cannot be restarted, for longer each time up to a cap', () => {
    const rule = detector();
    const untils: Array<number | null> = [];
    for (let round = 0; round < 6; round++) {
      const at = round * 1000;
      for (let i = 0; i < 3; i++) rule.failed(at);
      untils.push(rule.trip(at, 'connect ECONNREFUSED', false).until! - at);
      rule.returned(at + 1);
    }
    expect(untils).toEqual([10_000, 20_000, 40_000, 80_000, 80_000, 80_000]);
  });

  it('never trips with maxFails 0', () => {
    const rule = new OutlierDetector(() => ({ ...spec, maxFails: 0 }));
    for (let i = 0; i < 100; i++) expect(rule.failed(i)).toBe(false);
  });
});
