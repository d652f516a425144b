import type { Logger, PlacementRecord, RunEvent, Sample } from '@jlt/core';
import type { FetchLike } from './http-get.js';

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

/** What every collector runs on: the run clock, where results go, and how it is stopped. */
export interface CollectorRuntime {
  /** The scenario name, a tag on every sample. */
  scenario: string;
  intervalMs?: number;
  /** Per-poll timeout; defaults to 80 % of the interval. */
  timeoutMs?: number;
  now(): number;
  sink: CollectorSink;
  logger: Logger;
  signal: AbortSignal;
  fetch?: FetchLike;
}
