import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, msUntil, scheduleAt } from './schedule.js';

describe('msUntil', () => {
  it.each([
    [1000, 400, 600],
    [1000, 1000, 0],
    [1000, 5000, 0],
    [Number.POSITIVE_INFINITY, 0, MAX_TIMER_MS],
    [MAX_TIMER_MS * 3, 0, MAX_TIMER_MS],
  ])('at %d, now %d → %d', (at, now, expected) => {
    expect(msUntil(at, now)).toBe(expected);
  });
});

describe('scheduleAt', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires each start at its absolute time, without drift', () => {
    const fired: number[] = [];
    const start = Date.now() + 500;
    for (const offset of [0, 2000, 4000, 6000]) scheduleAt(start + offset, Date.now, () => fired.push(Date.now() - start));
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual([0, 2000, 4000, 6000]);
  });

  it('fires at once when the time is past', () => {
    let fired = false;
    scheduleAt(Date.now() - 5, Date.now, () => (fired = true));
    expect(fired).toBe(true);
  });

  it('re-arms when the local clock falls behind while waiting, and fires at the target', () => {
    let skew = -300;
    const now = (): number => Date.now() + skew;
    const target = Date.now() + 1000;
    let firedAt: number | undefined;
    scheduleAt(target, now, () => (firedAt = now()));
    skew = -600;
    vi.advanceTimersByTime(1300);
    expect(firedAt).toBeUndefined();
    vi.advanceTimersByTime(300);
    expect(firedAt).toBe(target);
  });

  it('never fires for Infinity and can be cancelled', () => {
    let count = 0;
    scheduleAt(Number.POSITIVE_INFINITY, Date.now, () => count++);
    const cancel = scheduleAt(Date.now() + 100, Date.now, () => count++);
    cancel();
    vi.advanceTimersByTime(1000);
    expect(count).toBe(0);
  });
});
