/** Longest single timer Node honours (2^31 - 1 ms); longer waits are re-armed. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Milliseconds until `atMs` on the local clock, never negative, capped to one timer. */
export function msUntil(atMs: number, nowMs: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, atMs - nowMs));
}

/**
 * Runs `fn` once the local clock reaches `atMs`. Every wait is computed from the absolute time and
 * re-checked on wake-up (timers may fire early or late), so a series of starts never drifts.
 * `atMs` of Infinity never fires. Returns a cancel function.
 */
export function scheduleAt(atMs: number, now: () => number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = (): void => {
    if (cancelled || atMs === Number.POSITIVE_INFINITY) return;
    const wait = msUntil(atMs, now());
    if (wait === 0) {
      fn();
      return;
    }
    timer = setTimeout(arm, wait);
  };
  arm();
  return () => {
    cancelled = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
