import type { Logger } from '@jlt/core';

/**
 * What a live output tells people about its destination: the first failure once (as a warning,
 * the run goes on), that writing works again after failures, and at stop how many of the run's
 * samples it wrote and dropped, with why. Later failures go to the debug log only.
 */
export class LiveOutputCounts {
  private _written = 0;
  private _dropped = 0;
  private readonly reasons = new Map<string, number>();
  private failing = false;
  private reported = false;

  constructor(
    private readonly output: string,
    private readonly destination: string,
    private readonly logger: Logger,
  ) {}

  get writtenCount(): number {
    return this._written;
  }

  get droppedCount(): number {
    return this._dropped;
  }

  wrote(samples: number): void {
    this._written += samples;
    if (this.failing) {
      this.failing = false;
      this.logger.log('info', `${this.output} output: writing to ${this.destination} again`);
    }
  }

  failed(reason: string): void {
    if (!this.reported) {
      this.reported = true;
      this.logger.log('warn', `${this.output} output: cannot write to ${this.destination}: ${reason}; the run goes on, and what cannot be written is dropped and counted`);
    } else {
      this.logger.log('debug', `${this.output} output: write to ${this.destination} failed: ${reason}`);
    }
    this.failing = true;
  }

  dropped(samples: number, why: string): void {
    if (samples <= 0) return;
    this._dropped += samples;
    this.reasons.set(why, (this.reasons.get(why) ?? 0) + samples);
  }

  /** The stop line: `prometheus output: wrote N samples to URL (detail), dropped M (k: why, …)`. */
  report(detail?: string): void {
    const why = [...this.reasons].map(([reason, n]) => `${n} ${reason}`).join(', ');
    const dropped = this._dropped === 0 ? 'dropped 0' : `dropped ${this._dropped} (${why})`;
    this.logger.log(
      this._dropped === 0 ? 'info' : 'warn',
      `${this.output} output: wrote ${this._written} samples to ${this.destination}${detail === undefined ? '' : ` (${detail})`}, ${dropped}`,
    );
  }
}
