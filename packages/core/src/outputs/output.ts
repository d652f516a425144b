import type { RunContext } from '../context.js';
import type { Plan } from '../executors/plan.js';
import type { Insight, OutputFailureRecord } from '../insights.js';
import type { PlacementRecord } from '../metrics/placement.js';
import type { RunEvent, Sample } from '../metrics/sample.js';
import type { Summary } from '../summary.js';
import type { ThresholdResult } from '../thresholds/types.js';

/** How a run ended. Only packages/cli maps it to an exit code. */
export type RunStatus = 'passed' | 'thresholds-failed' | 'aborted' | 'interrupted' | 'agent-lost' | 'error';

/** What an output learns when the run starts. */
export interface RunInfo {
  runId: string;
  scenario: string;
  /** Path of the scenario file as given, for reports. */
  scenarioFile?: string;
  /** Planned start of the run, ms since the epoch on the coordinator clock. */
  startedAt: number;
  plan: Plan;
  /** The validated scenario as JSON, for outputs that record it. */
  scenarioJson?: unknown;
}

/** What an output learns when the run has ended, after the last sample was delivered. */
export interface RunResult {
  status: RunStatus;
  /** Why the run ended before its plan did (interrupt, agent lost, threshold abort, no bot joined). */
  reason?: string;
  endedAt: number;
  thresholds: ThresholdResult[];
  summary: Summary;
  /** What the run's store shows that a reader must know (saturated agents, retained memory, …). */
  insights: readonly Insight[];
  /**
   * Outputs that failed so far, filled in by the OutputManager for each output as it calls its
   * `onRunEnd`: an output late in the order also sees the `onRunEnd` failures of the ones before it.
   */
  outputFailures: readonly OutputFailureRecord[];
  /** Files the outputs before this one wrote (`writtenFiles`), filled in the same way. */
  files: readonly OutputFile[];
  /** What the live outputs before this one delivered (`sampleCounts`), filled in the same way. */
  deliveries: readonly OutputDelivery[];
}

/** How many run samples a live output wrote to its destination and dropped, for the end summary. */
export interface SampleCounts {
  written: number;
  dropped: number;
}

export interface OutputDelivery extends SampleCounts {
  output: string;
}

/** A file an output wrote, for the end summary to point at. */
export interface OutputFile {
  output: string;
  path: string;
}

/**
 * A destination for a run's samples and events (terminal summary, JUnit, HTML, InfluxDB, …).
 *
 * Lifecycle and ordering — the OutputManager guarantees, per output:
 *   start → (addSamples | addEvents | addPlacement)* → onRunEnd → stop,
 * each call after the previous one returned (or its promise settled). `stop` is called once if and
 * only if `start` resolved, even when the run failed or another output broke; `onRunEnd` is skipped
 * when the run never got going. Samples and events arrive in ingest order, which is close to but not
 * strictly time order (agents batch); an output that needs time order sorts itself.
 *
 * Blocking: `addSamples` and `addEvents` run on the coordinator's hot path, synchronously, at up to
 * 100k samples/s. They must only buffer — no I/O, no awaiting, no heavy work — and must not keep
 * references to the arrays they are given beyond the call (the items themselves are immutable and
 * may be kept). Writing happens in the output's own flusher (e.g. a timer), and `stop` waits for the
 * final flush. An output that cannot keep up drops or aggregates, and says so when it stops.
 *
 * Concurrency: everything is called from one event loop; the manager never calls two methods of the
 * same output at once. Outputs start one after another in configured order, get `onRunEnd` in that
 * order, and stop one after another in reverse order, so an output that depends on an earlier one
 * (e.g. the terminal summary printed first) can rely on it.
 *
 * Errors: a throw or rejection is reported once through the logger; the run goes on without that
 * output's samples, but its `onRunEnd` and `stop` are still called so it can release resources. A
 * rejected `start` stops the outputs started before it and fails the run before any bot starts.
 * Every failure is listed in `RunResult.outputFailures`, the end summary and `run.json`.
 *
 * Interrupts: when the run's signal (`OutputContext.context.signal`) aborts during `onRunEnd` or
 * `stop`, the run waits a few seconds more and then exits; long work there should watch the signal.
 */
export interface Output {
  /** The registry name (or module specifier) this output was created from, for messages. */
  readonly name: string;
  /** Prepare destinations (open files, check the server). Resolves when ready to accept samples. */
  start(run: RunInfo): Promise<void>;
  addSamples(samples: readonly Sample[]): void;
  addEvents(events: readonly RunEvent[]): void;
  /** Which endpoint was on which bridge, when (same rules as `addSamples`). Optional. */
  addPlacement?(records: readonly PlacementRecord[]): void;
  /**
   * The run is over: write summaries and reports. When it is called, every sample and event of the
   * run has been delivered and is durable in the results store (`OutputContext.results` sees all of
   * it), and `result.insights` were computed from that store, once, for every output.
   */
  onRunEnd(result: RunResult): Promise<void>;
  /** Flush what is buffered and release everything. Resolves after the last write. */
  stop(): Promise<void>;
  /** Files written by the end of `onRunEnd` (a report, JUnit), for the end summary. Optional. */
  writtenFiles?(): readonly string[];
  /**
   * A live output's delivery to its destination, final once its `onRunEnd` resolved (so such an
   * output sends what is left at `onRunEnd`, not only at `stop`), for the end summary. Optional.
   */
  readonly sampleCounts?: SampleCounts;
}

/** A value bound to a `?` or `$1` parameter of a results query. */
export type SqlParam = string | number | boolean | null;

/**
 * Read-only SQL over one run's results store (DuckDB's dialect; tables `samples`, `events`,
 * `placement`, `run_meta`, see the README). JSON columns come back parsed, integers as numbers.
 * Only queries are accepted: anything that would write is refused.
 */
export interface ResultsReader {
  rows<T = Record<string, unknown>>(sql: string, params?: SqlParam[]): Promise<T[]>;
}

/**
 * What an output factory gets besides its options. Created after the results store exists, so an
 * output may keep `results` and query it at any time until its `stop` resolves: during the run it
 * sees what is durable so far (data reaches the store within a second), at `onRunEnd` everything.
 */
export interface OutputContext {
  context: RunContext;
  /** Directory of this run's results, where file outputs write by default. */
  resultsDir: string;
  /** The run's results store, read-only (the live store during `jlt run`, the finished one for `jlt report`). */
  results: ResultsReader;
}
