import { describe, expect, it } from 'vitest';
import { PeriodicFlusher } from './periodic-flusher.js';
import { until } from '../test-support/until.js';

describe('PeriodicFlusher', () => {
  it('flushes on its interval and once more on stop', async () => {
    let flushes = 0;
    const flusher = new PeriodicFlusher(async () => void flushes++, { intervalMs: 10, onError: () => undefined });
    flusher.start();
    await until(() => flushes >= 3, 5_000);
    await flusher.stop();
    const afterStop = flushes;
    await new Promise((r) => setTimeout(r, 40));
    expect(flushes).toBe(afterStop);
  });

  it('never runs two flushes at once, waits for the running one on stop and reports slowness once', async () => {
    let active = 0;
    let maxActive = 0;
    let flushes = 0;
    const slow: number[] = [];
    let clock = 0;
    const flusher = new PeriodicFlusher(
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        clock += 50;
        await new Promise((r) => setTimeout(r, 20));
        active--;
        flushes++;
      },
      { intervalMs: 5, onError: () => undefined, onSlow: (d) => slow.push(d), now: () => clock },
    );
    flusher.start();
    await until(() => active === 1, 5_000);
    await flusher.stop();
    expect(active).toBe(0);
    expect(flushes).toBe(2);
    expect(maxActive).toBe(1);
    expect(slow).toEqual([50]);
  });

  it('reports failing flushes and keeps its schedule', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const flusher = new PeriodicFlusher(
      async () => {
        calls++;
        throw new Error(`flush ${calls} failed`);
      },
      { intervalMs: 5, onError: (e) => errors.push(e) },
    );
    flusher.start();
    await until(() => calls >= 2, 5_000);
    await expect(flusher.stop()).resolves.toBeUndefined();
    expect(errors.length).toBe(calls);
    expect((errors[0] as Error).message).toBe('flush 1 failed');
  });

  it('stop without start flushes once; stop is idempotent', async () => {
    let flushes = 0;
    const flusher = new PeriodicFlusher(async () => void flushes++, { intervalMs: 1000, onError: () => undefined });
    const first = flusher.stop();
    expect(flusher.stop()).toBe(first);
    await first;
    flusher.start();
    expect(flushes).toBe(1);
  });

  it('rejects a non-positive interval', () => {
    expect(() => new PeriodicFlusher(async () => undefined, { intervalMs: 0, onError: () => undefined })).toThrow(RangeError);
  });
});
