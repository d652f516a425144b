import { JltError } from './errors.js';

/**
 * One NTP-style exchange: the agent sends at t0 (agent clock), the coordinator receives at t1 and
 * replies at t2 (coordinator clock), the agent receives at t3 (agent clock).
 */
export interface TimeExchange {
  t0: number;
  t1: number;
  t2: number;
  t3: number;
}

export interface ClockEstimate {
  /** Coordinator clock minus agent clock, in ms. */
  offsetMs: number;
  /** Network round trip without the coordinator's processing time. */
  rttMs: number;
  /** Bound on the offset's error: the offset is exact only if both directions took equally long. */
  uncertaintyMs: number;
}

/**
 * offset = ((t1 − t0) + (t2 − t3)) / 2 and rtt = (t3 − t0) − (t2 − t1). With asymmetric paths the
 * offset is off by half the difference between the two one-way delays, never more than rtt/2.
 */
export function offsetFromExchange({ t0, t1, t2, t3 }: TimeExchange): { offsetMs: number; rttMs: number } {
  return { offsetMs: (t1 - t0 + (t2 - t3)) / 2, rttMs: t3 - t0 - (t2 - t1) };
}

/**
 * Keeps the last `window` exchanges and trusts the one with the smallest round trip: queueing delay
 * only ever adds time, so the fastest exchange is the least asymmetric one, which beats averaging
 * when the network jitters.
 */
export class ClockEstimator {
  readonly window: number;
  private readonly _recent: { offsetMs: number; rttMs: number }[] = [];

  constructor(window = 8) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a positive integer, got ${window}`);
    this.window = window;
  }

  /**
   * Records one exchange. Returns false, ignoring it, when its timestamps are impossible (the reply
   * arrived before the request was sent, or the coordinator replied before it received).
   */
  addExchange(exchange: TimeExchange): boolean {
    const { t0, t1, t2, t3 } = exchange;
    if (![t0, t1, t2, t3].every(Number.isFinite) || t3 < t0 || t2 < t1) return false;
    const sample = offsetFromExchange(exchange);
    if (sample.rttMs < 0) return false;
    this._recent.push(sample);
    if (this._recent.length > this.window) this._recent.shift();
    return true;
  }

  /** The min-RTT estimate of the window; undefined before the first exchange. */
  estimate(): ClockEstimate | undefined {
    let best: { offsetMs: number; rttMs: number } | undefined;
    for (const sample of this._recent) if (!best || sample.rttMs < best.rttMs) best = sample;
    return best && { offsetMs: best.offsetMs, rttMs: best.rttMs, uncertaintyMs: best.rttMs / 2 };
  }

  /** Converts an agent-clock time to coordinator time. Calling it before any exchange is a bug. */
  toCoordinatorTime(localMs: number): number {
    const estimate = this.estimate();
    if (!estimate)
      throw new JltError('INTERNAL', 'clock is not synchronised with the coordinator yet', {
        hint: 'Complete a time-request exchange before converting times.',
      });
    return localMs + estimate.offsetMs;
  }
}
