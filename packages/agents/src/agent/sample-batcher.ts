import type { Sample } from '@jlt/core';

/**
 * Sends samples in batches with credit-based backpressure: at most `maxUnacked` batches may be in
 * flight; while none is free, samples accumulate (never dropped) and go out in one larger batch
 * when an ack frees credit. `send` returns the batch's sequence number, which acks refer to.
 */
export class SampleBatcher {
  private pending: Sample[] = [];
  private inFlight: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  private failure: Error | undefined;

  /** `onSendError` hears the first failed send; batches stay buffered (the connection is gone, not the data). */
  constructor(
    private readonly send: (samples: Sample[]) => Promise<number>,
    private readonly options: { maxUnacked: number; maxBatch: number; intervalMs: number; onSendError?: (error: Error) => void },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.intervalMs);
  }

  add(samples: readonly Sample[]): void {
    for (const sample of samples) this.pending.push(sample);
    if (this.pending.length >= this.options.maxBatch) void this.flush();
  }

  /** The coordinator has ingested every batch up to and including `seq`. */
  ack(upToSeq: number): void {
    this.inFlight = this.inFlight.filter((seq) => seq > upToSeq);
    if (this.pending.length > 0) void this.flush();
  }

  get unacked(): number {
    return this.inFlight.length;
  }

  get buffered(): number {
    return this.pending.length;
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (!this.failure && this.pending.length > 0 && this.inFlight.length < this.options.maxUnacked) {
        const batch = this.pending.slice(0, this.options.maxBatch);
        try {
          this.inFlight.push(await this.send(batch));
          this.pending.splice(0, batch.length);
        } catch (error) {
          this.failure = error as Error;
          this.options.onSendError?.(this.failure);
        }
      }
    });
    return this.flushing;
  }

  /** Sends everything and waits until all of it is acknowledged, or until `deadlineMs` passes. */
  async drain(deadlineMs: number, now: () => number = Date.now): Promise<boolean> {
    while (this.pending.length > 0 || this.inFlight.length > 0) {
      if (this.failure || now() > deadlineMs) return false;
      await this.flush();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
