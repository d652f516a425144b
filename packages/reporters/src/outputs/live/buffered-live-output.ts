import { SampleBuffer, type Output, type RunInfo, type RunResult, type Sample } from '@jlt/core';

/** Samples held between flushes at most; past it new samples are dropped and counted (a stalled destination). */
const MAX_BUFFERED_SAMPLES = 1_000_000;

/**
 * What the live outputs (Prometheus remote write, InfluxDB) share: `addSamples` only buffers, a
 * subclass's flusher sends the buffer, and the final flush (`finish`) runs once — at `onRunEnd`,
 * so the counts are final for the end summary, or at `stop` when the run never got there.
 */
export abstract class BufferedLiveOutput implements Output {
  abstract readonly name: string;
  protected readonly buffer = new SampleBuffer({ maxItems: MAX_BUFFERED_SAMPLES });
  private finished: Promise<void> | undefined;

  abstract start(run: RunInfo): Promise<void>;

  /** Sends what is left and reports the counts; called once. */
  protected abstract finish(): Promise<void>;

  addSamples(samples: readonly Sample[]): void {
    this.buffer.push(samples);
  }

  addEvents(): void {}

  onRunEnd(_result: RunResult): Promise<void> {
    return this.stop();
  }

  stop(): Promise<void> {
    this.finished ??= this.finish();
    return this.finished;
  }
}
