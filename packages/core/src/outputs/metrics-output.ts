import type { MetricRegistry } from '../metrics/registry.js';
import type { Sample } from '../metrics/sample.js';
import type { Output } from './output.js';

/**
 * The run's metric registry behind the fan-out: every sample lands in it, and the thresholds and
 * the end summary are computed from it on the raw data (mergeable sketches, never averages).
 * `MetricRegistry.add` drops non-finite values itself and counts them, so this output never throws.
 */
export class MetricsOutput implements Output {
  readonly name = 'metrics';

  constructor(readonly registry: MetricRegistry) {}

  async start(): Promise<void> {}

  addSamples(samples: readonly Sample[]): void {
    for (const sample of samples) this.registry.add(sample);
  }

  addEvents(): void {}

  async onRunEnd(): Promise<void> {}

  async stop(): Promise<void> {}
}
