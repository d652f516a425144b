import type { PlacementRecord, RunEvent, Sample } from '@jlt/core';

/**
 * Where server-side collectors deliver what they observe. Every method is synchronous and must only
 * buffer (the coordinator's hot path); a collector calls it from its own timers, never concurrently
 * with itself for the same bridge.
 */
export interface CollectorSink {
  samples(samples: Sample[]): void;
  events(events: RunEvent[]): void;
  placement(records: PlacementRecord[]): void;
}

/** One bridge to collect from: its id (pod name, testbed id or host) and its private REST base URL. */
export interface BridgeEndpoint {
  id: string;
  /** Base URL serving `/colibri/stats` and `/debug`, e.g. `http://127.0.0.1:8080`. */
  restUrl: string;
}

/** Per polled target: how many polls ran, failed, and were skipped because the previous one was still running. */
export interface PollCounts {
  polls: number;
  failures: number;
  skipped: number;
}

/** A running collector. `stop()` ends polling, aborts polls in flight and resolves once they settled. */
export interface Collector {
  stop(): Promise<void>;
  /** Poll counts keyed by target (bridge id or query name). */
  counts(): Record<string, PollCounts>;
}
