import type { Output, PlacementRecord, RunEvent, RunInfo, RunResult, Sample } from '@jlt/core';
import type { ResultsStore } from '../results-store.js';

/**
 * The results store behind the fan-out: every sample, event and placement record goes into
 * `results.duckdb`, and the run's outcome into `run.json` and `summary.json`.
 *
 * The store itself outlives this output: the run creates it before any output (so other outputs
 * can query it from the start, and a results directory that cannot be written fails before
 * anything else happens) and closes it after every output has stopped (so failures in other
 * outputs' `stop` still reach run.json). Put this output first: it then gets `onRunEnd` first and
 * `stop` last, and its `stop` makes everything durable.
 */
export class StoreOutput implements Output {
  readonly name = 'results';

  constructor(private readonly store: ResultsStore) {}

  async start(_run: RunInfo): Promise<void> {}

  addSamples(samples: readonly Sample[]): void {
    this.store.addSamples(samples);
  }

  addEvents(events: readonly RunEvent[]): void {
    this.store.addEvents(events);
  }

  addPlacement(records: readonly PlacementRecord[]): void {
    this.store.addPlacement(records);
  }

  async onRunEnd(result: RunResult): Promise<void> {
    await this.store.writeJson('summary.json', result.summary);
    await this.store.updateMeta({
      status: result.status,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      endedAt: new Date(result.endedAt).toISOString(),
      insights: result.insights,
      outputFailures: result.outputFailures,
    });
  }

  async stop(): Promise<void> {
    await this.store.flush();
  }
}
