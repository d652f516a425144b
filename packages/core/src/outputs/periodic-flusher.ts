export interface PeriodicFlusherOptions {
  intervalMs: number;
  /** A flush failed; the flusher keeps its schedule. Must not throw. */
  onError: (error: unknown) => void;
  /** A flush took longer than the interval (reported once per flusher), so the next one was late. */
  onSlow?: (durationMs: number) => void;
  /** Clock for measuring flush durations; defaults to performance.now. */
  now?: () => number;
}

/**
 * Calls `flush` every `intervalMs`, never two at once: the next interval starts after a flush ends,
 * so a slow destination delays flushes instead of piling them up. `stop` waits for a running flush
 * and then flushes one last time (k6's PeriodicFlusher). The timer does not keep the process alive.
 */
export class PeriodicFlusher {
  private readonly _flush: () => Promise<void>;
  private readonly _options: PeriodicFlusherOptions;
  private readonly _now: () => number;
  private _timer: NodeJS.Timeout | undefined;
  private _running: Promise<void> | undefined;
  private _stopped: Promise<void> | undefined;
  private _reportedSlow = false;

  constructor(flush: () => Promise<void>, options: PeriodicFlusherOptions) {
    if (!(options.intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${options.intervalMs}`);
    this._flush = flush;
    this._options = options;
    this._now = options.now ?? (() => performance.now());
  }

  start(): void {
    if (this._timer !== undefined || this._stopped !== undefined) return;
    this._schedule();
  }

  /** Stops the schedule, waits for a running flush, then flushes once more. Idempotent. */
  stop(): Promise<void> {
    this._stopped ??= this._stop();
    return this._stopped;
  }

  private async _stop(): Promise<void> {
    clearTimeout(this._timer);
    this._timer = undefined;
    await this._running;
    await this._runOnce();
  }

  private _schedule(): void {
    this._timer = setTimeout(() => {
      this._timer = undefined;
      void this._runOnce().then(() => {
        if (this._stopped === undefined) this._schedule();
      });
    }, this._options.intervalMs);
    this._timer.unref();
  }

  /** Never rejects: errors go to onError. */
  private _runOnce(): Promise<void> {
    const started = this._now();
    this._running = this._flush()
      .catch((error: unknown) => this._options.onError(error))
      .finally(() => {
        this._running = undefined;
        const duration = this._now() - started;
        if (duration > this._options.intervalMs && !this._reportedSlow) {
          this._reportedSlow = true;
          this._options.onSlow?.(duration);
        }
      });
    return this._running;
  }
}
