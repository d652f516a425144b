import { describe, expect, it } from 'vitest';
import { pollTimeoutFor, startPoller } from './poller.js';
import { until } from '@jlt/core/test-support';

describe('pollTimeoutFor', () => {
  it.each([
    [5_000, 4_000],
    [100, 80],
    [2, 1],
  ])('keeps the timeout of a %i ms interval shorter than it (%i ms)', (interval, timeout) => {
    expect(pollTimeoutFor(interval)).toBe(timeout);
    expect(pollTimeoutFor(interval)).toBeLessThan(interval);
  });
});

describe('startPoller', () => {
  it('refuses a timeout that is not shorter than the interval', () => {
    expect(() => startPoller({ intervalMs: 100, timeoutMs: 100, poll: async () => {} })).toThrow(/shorter than the interval/);
  });

  it('polls at once and then on every interval, counting failures', async () => {
    let calls = 0;
    const poller = startPoller({
      intervalMs: 30,
      timeoutMs: 20,
      async poll() {
        calls += 1;
        if (calls % 2 === 0) throw new Error('even polls fail');
      },
    });
    try {
      expect(calls).toBe(1);
      await until(() => calls >= 4, 5_000);
    } finally {
      await poller.stop();
    }
    const counts = poller.counts();
    expect(counts.polls).toBe(calls);
    expect(counts.failures).toBe(Math.floor(calls / 2));
    expect(counts.skipped).toBe(0);
  });

  it('skips and counts ticks while a poll that ignores its timeout is still running', async () => {
    let release: (() => void) | undefined;
    const skips: number[] = [];
    let calls = 0;
    const poller = startPoller({
      intervalMs: 20,
      timeoutMs: 10,
      poll: () => {
        calls += 1;
        return new Promise<void>((resolve) => (release = resolve));
      },
      onSkip: (n) => skips.push(n),
    });
    try {
      await until(() => skips.length >= 3, 5_000);
      expect(calls).toBe(1);
      release?.();
      await until(() => calls === 2, 5_000);
    } finally {
      release?.();
      await poller.stop();
    }
    expect(poller.counts().skipped).toBeGreaterThanOrEqual(3);
    expect(skips.slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('aborts the poll in flight with a timeout signal and stops on the outer signal', async () => {
    const controller = new AbortController();
    const reasons: string[] = [];
    const poller = startPoller({
      intervalMs: 1_000,
      timeoutMs: 30,
      signal: controller.signal,
      poll: (signal) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            reasons.push((signal.reason as DOMException).name);
            reject(new Error('aborted'));
          });
        }),
    });
    await until(() => reasons.length === 1, 5_000);
    expect(reasons).toEqual(['TimeoutError']);
    controller.abort();
    await poller.stop();
    expect(poller.counts()).toEqual({ polls: 1, failures: 1, skipped: 0 });
  });
});
