import { describe, expect, it } from 'vitest';
import { ClockEstimator, offsetFromExchange, type TimeExchange } from './clock.js';
import { JltError } from './errors.js';
import { mulberry32 } from './test-support/random.js';

/** An exchange between an agent whose clock is `offset` ms behind the coordinator's. */
function exchange(offset: number, sendAt: number, upMs: number, processMs: number, downMs: number): TimeExchange {
  const t0 = sendAt;
  const t1 = t0 + upMs + offset;
  const t2 = t1 + processMs;
  const t3 = t2 - offset + downMs;
  return { t0, t1, t2, t3 };
}

describe('offsetFromExchange', () => {
  it.each([
    { name: 'symmetric, agent behind', offset: 5000, up: 10, process: 2, down: 10, offsetMs: 5000, rttMs: 20 },
    { name: 'symmetric, agent ahead', offset: -1234, up: 3, process: 0, down: 3, offsetMs: -1234, rttMs: 6 },
    { name: 'same clock, slow coordinator', offset: 0, up: 1, process: 50, down: 1, offsetMs: 0, rttMs: 2 },
    // Uplink 30 ms slower than downlink: the estimate is off by half the asymmetry (+15).
    { name: 'asymmetric uplink', offset: 100, up: 40, process: 1, down: 10, offsetMs: 115, rttMs: 50 },
    { name: 'asymmetric downlink', offset: 100, up: 10, process: 1, down: 40, offsetMs: 85, rttMs: 50 },
  ])('$name', ({ offset, up, process, down, offsetMs, rttMs }) => {
    const result = offsetFromExchange(exchange(offset, 1_700_000_000_000, up, process, down));
    expect(result.offsetMs).toBeCloseTo(offsetMs, 6);
    expect(result.rttMs).toBeCloseTo(rttMs, 6);
    expect(Math.abs(result.offsetMs - offset)).toBeCloseTo(Math.abs(up - down) / 2, 6);
  });
});

describe('ClockEstimator', () => {
  it('keeps the minimum-RTT exchange and reports half its RTT as uncertainty', () => {
    const clock = new ClockEstimator(4);
    clock.addExchange(exchange(200, 0, 30, 1, 5));
    clock.addExchange(exchange(200, 100, 2, 1, 2));
    clock.addExchange(exchange(200, 200, 5, 1, 40));
    expect(clock.estimate()).toEqual({ offsetMs: 200, rttMs: 4, uncertaintyMs: 2 });
    expect(clock.toCoordinatorTime(1000)).toBe(1200);
  });

  it('forgets exchanges older than its window', () => {
    const clock = new ClockEstimator(2);
    clock.addExchange(exchange(0, 0, 1, 0, 1));
    clock.addExchange(exchange(50, 10, 10, 0, 10));
    clock.addExchange(exchange(50, 20, 8, 0, 8));
    expect(clock.estimate()).toEqual({ offsetMs: 50, rttMs: 16, uncertaintyMs: 8 });
  });

  it.each([
    { name: 'reply before request', e: { t0: 100, t1: 50, t2: 51, t3: 90 } },
    { name: 'coordinator replied before receiving', e: { t0: 0, t1: 50, t2: 40, t3: 10 } },
    { name: 'processing longer than the round trip', e: { t0: 0, t1: 10, t2: 30, t3: 5 } },
    { name: 'non-finite time', e: { t0: 0, t1: NaN, t2: 1, t3: 2 } },
  ])('ignores an impossible exchange: $name', ({ e }) => {
    const clock = new ClockEstimator();
    expect(clock.addExchange(e)).toBe(false);
    expect(clock.estimate()).toBeUndefined();
  });

  it('refuses to convert times before the first exchange', () => {
    expect(() => new ClockEstimator().toCoordinatorTime(5)).toThrow(JltError);
  });

  it.each([0, -1, 1.5])('rejects the window %s', (window) => {
    expect(() => new ClockEstimator(window)).toThrow(RangeError);
  });

  it.each([1, 2, 3, 4, 5])('min-RTT selection beats averaging under jitter (seed %i)', (seed) => {
    const random = mulberry32(seed);
    const trueOffset = 750;
    const clock = new ClockEstimator(16);
    const offsets: number[] = [];
    for (let i = 0; i < 16; i++) {
      // Base 2 ms each way plus exponential queueing on both paths; the uplink, which also carries the
      // agent's sample batches, queues more (mean 20 ms) than the downlink (mean 5 ms).
      const up = 2 - 20 * Math.log(1 - random());
      const down = 2 - 5 * Math.log(1 - random());
      const e = exchange(trueOffset, i * 1000, up, 1, down);
      clock.addExchange(e);
      offsets.push(offsetFromExchange(e).offsetMs);
    }
    const averaged = offsets.reduce((a, b) => a + b, 0) / offsets.length;
    const estimate = clock.estimate();
    const minRttError = Math.abs((estimate?.offsetMs ?? NaN) - trueOffset);
    expect(minRttError).toBeLessThan(Math.abs(averaged - trueOffset));
    expect(minRttError).toBeLessThanOrEqual(estimate?.uncertaintyMs ?? 0);
  });
});
