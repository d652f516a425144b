import { describe, expect, it } from 'vitest';
import { deadlineSignal } from './deadline.js';

function abortedWithin(signal: AbortSignal, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe('deadlineSignal', () => {
  it('aborts with a TimeoutError after the deadline even when only its listener references it', async () => {
    expect(globalThis.gc, 'the unit project runs with --expose-gc').toBeTypeOf('function');
    const reasons: string[] = [];
    const fired = new Promise<void>((resolve) => {
      deadlineSignal(100).signal.addEventListener('abort', (event) => {
        reasons.push(((event.target as AbortSignal).reason as DOMException).name);
        resolve();
      });
    });
    for (let round = 0; round < 5; round += 1) {
      globalThis.gc?.();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await fired;
    expect(reasons).toEqual(['TimeoutError']);
  });

  it('aborts with the parent reason, not as a timeout, and ignores the parent after dispose', async () => {
    const parent = new AbortController();
    const deadline = deadlineSignal(60_000, parent.signal);
    const aborted = abortedWithin(deadline.signal, 1_000);
    parent.abort(new Error('stopped'));
    expect(await aborted).toBe(true);
    expect(deadline.timedOut).toBe(false);
    expect((deadline.signal.reason as Error).message).toBe('stopped');
    deadline.dispose();

    const second = new AbortController();
    const disposed = deadlineSignal(60_000, second.signal);
    disposed.dispose();
    second.abort();
    expect(disposed.signal.aborted).toBe(false);
  });

  it('starts aborted under an already aborted parent and never times out once disposed', async () => {
    expect(deadlineSignal(60_000, AbortSignal.abort()).signal.aborted).toBe(true);
    const disposed = deadlineSignal(5);
    disposed.dispose();
    expect(await abortedWithin(disposed.signal, 50)).toBe(false);
    expect(disposed.timedOut).toBe(false);
  });
});
