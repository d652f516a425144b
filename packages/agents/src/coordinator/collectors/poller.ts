import { deadlineSignal } from '@jlt/core';
import type { PollCounts } from './collector.js';

export interface PollerOptions {
  /** Milliseconds between poll starts. */
  intervalMs: number;
  /** Milliseconds after which a poll's signal aborts; must be shorter than the interval. */
  timeoutMs: number;
  /** One poll. It must honour `signal`; a rejection is counted as a failure (and reported by the caller). */
  poll(signal: AbortSignal): Promise<void>;
  /** Called when a tick is skipped because the previous poll has not settled yet. */
  onSkip?(skipped: number): void;
  /** Aborting it stops the poller like `stop()`. */
  signal?: AbortSignal;
}

export interface Poller {
  stop(): Promise<void>;
  counts(): PollCounts;
}

/** The timeout for polls at an interval: shorter than the interval so a slow target cannot pile polls up. */
export function pollTimeoutFor(intervalMs: number): number {
  return Math.max(1, Math.min(intervalMs - 1, Math.floor(intervalMs * 0.8)));
}

/**
 * Runs `poll` now and then every `intervalMs` on a fixed schedule. At most one poll is in flight:
 * a tick that finds the previous poll still running is skipped and counted, never queued. Each poll
 * gets a signal that aborts after `timeoutMs` or on stop.
 */
export function startPoller(options: PollerOptions): Poller {
  if (!(options.timeoutMs > 0 && options.timeoutMs < options.intervalMs)) {
    throw new RangeError(`poll timeout ${options.timeoutMs} ms must be positive and shorter than the interval ${options.intervalMs} ms`);
  }
  const counts: PollCounts = { polls: 0, failures: 0, skipped: 0 };
  const stopController = new AbortController();
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const startedAt = performance.now();
  let tickIndex = 0;

  function tick(): void {
    if (stopped) return;
    if (inFlight) {
      counts.skipped += 1;
      options.onSkip?.(counts.skipped);
    } else {
      counts.polls += 1;
      const deadline = deadlineSignal(options.timeoutMs, stopController.signal);
      inFlight = options
        .poll(deadline.signal)
        .catch(() => {
          counts.failures += 1;
        })
        .finally(() => {
          deadline.dispose();
          inFlight = undefined;
        });
    }
    tickIndex += 1;
    // Fixed-rate schedule measured from the start, so timer drift does not accumulate.
    const delay = Math.max(0, startedAt + tickIndex * options.intervalMs - performance.now());
    timer = setTimeout(tick, delay);
  }

  const onAbort = (): void => void stop();
  async function stop(): Promise<void> {
    stopped = true;
    options.signal?.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
    stopController.abort();
    await inFlight;
  }

  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stopped = true;
  else tick();
  return { stop, counts: () => ({ ...counts }) };
}
