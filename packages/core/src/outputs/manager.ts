import type { Logger } from '../context.js';
import { JltError, isJltError } from '../errors.js';
import type { OutputFailureRecord } from '../insights.js';
import type { PlacementRecord } from '../metrics/placement.js';
import type { RunEvent, Sample } from '../metrics/sample.js';
import type { Output, OutputDelivery, OutputFile, RunInfo, RunResult } from './output.js';

export type OutputPhase = 'start' | 'addSamples' | 'addEvents' | 'addPlacement' | 'onRunEnd' | 'stop';

/** What the run hands `runEnd`; the manager adds what it knows itself (failures, files written). */
export type RunEnd = Omit<RunResult, 'outputFailures' | 'files' | 'deliveries'>;

export interface OutputFailure {
  output: string;
  phase: OutputPhase;
  error: unknown;
}

/**
 * Drives a list of outputs through one run (k6's output manager, Playwright's Multiplexer): starts
 * them in order, fans samples and events out synchronously, isolates failures, and always stops
 * what it started, in reverse order. The contract each output sees is documented on `Output`.
 */
export class OutputManager {
  private readonly _outputs: readonly Output[];
  private readonly _logger: Logger;
  private readonly _started: Output[] = [];
  /** Outputs that failed after starting: they get no more samples, but still onRunEnd and stop. */
  private readonly _broken = new Set<Output>();
  private readonly _failures: OutputFailure[] = [];
  private readonly _files: OutputFile[] = [];
  private readonly _deliveries: OutputDelivery[] = [];
  private _stopping: Promise<void> | undefined;

  constructor(outputs: readonly Output[], logger: Logger) {
    this._outputs = outputs;
    this._logger = logger;
  }

  /** Every failure so far, in order; the run's report lists them. */
  get failures(): readonly OutputFailure[] {
    return this._failures;
  }

  /** The failures as the summary, the report and run.json list them (messages, not error objects). */
  failureRecords(): OutputFailureRecord[] {
    return this._failures.map((f) => ({ output: f.output, phase: f.phase, message: messageOf(f.error) }));
  }

  /** Files the outputs reported writing at their `onRunEnd`, in order. */
  get files(): readonly OutputFile[] {
    return this._files;
  }

  /**
   * Starts every output in order. If one fails, the ones already started are stopped (in reverse
   * order) and a JltError naming the output is thrown: a run whose results cannot be recorded must
   * not start its bots. A JltError from the output keeps its code (a bad path stays invalid input).
   */
  async start(run: RunInfo): Promise<void> {
    for (const output of this._outputs) {
      try {
        await output.start(run);
      } catch (error) {
        // Not logged: the thrown error reports it, once, at the top.
        this._failures.push({ output: output.name, phase: 'start', error });
        await this.stop();
        throw new JltError(isJltError(error) ? error.code : 'INTERNAL', `output "${output.name}" failed to start: ${messageOf(error)}`, {
          hint: (isJltError(error) ? error.hint : undefined) ?? `Check the options of the "${output.name}" output and that its destination is reachable.`,
          cause: error,
        });
      }
      this._started.push(output);
    }
  }

  /** Hands a batch to every working output. Synchronous; never throws. */
  addSamples(samples: readonly Sample[]): void {
    for (const output of this._started) {
      if (this._broken.has(output)) continue;
      try {
        output.addSamples(samples);
      } catch (error) {
        this._fail(output, 'addSamples', error);
      }
    }
  }

  /** Hands events to every working output. Synchronous; never throws. */
  addEvents(events: readonly RunEvent[]): void {
    for (const output of this._started) {
      if (this._broken.has(output)) continue;
      try {
        output.addEvents(events);
      } catch (error) {
        this._fail(output, 'addEvents', error);
      }
    }
  }

  /** Hands placement records to every working output that takes them. Synchronous; never throws. */
  addPlacement(records: readonly PlacementRecord[]): void {
    for (const output of this._started) {
      if (this._broken.has(output) || output.addPlacement === undefined) continue;
      try {
        output.addPlacement(records);
      } catch (error) {
        this._fail(output, 'addPlacement', error);
      }
    }
  }

  /**
   * Tells every started output, in start order, that the run is over. Each one gets the failures
   * the files written and the live outputs' deliveries so far, so the last output (the end summary) sees those of all before it.
   * Never rejects.
   */
  async runEnd(end: RunEnd): Promise<void> {
    for (const output of this._started) {
      try {
        await output.onRunEnd({ ...end, outputFailures: this.failureRecords(), files: [...this._files], deliveries: [...this._deliveries] });
        for (const path of output.writtenFiles?.() ?? []) this._files.push({ output: output.name, path });
        if (output.sampleCounts !== undefined) this._deliveries.push({ output: output.name, ...output.sampleCounts });
      } catch (error) {
        this._fail(output, 'onRunEnd', error);
      }
    }
  }

  /**
   * Stops every started output in reverse start order and resolves when all have stopped. Calling
   * it again returns the same promise. Never rejects.
   */
  stop(): Promise<void> {
    this._stopping ??= this._stopAll();
    return this._stopping;
  }

  private async _stopAll(): Promise<void> {
    for (const output of [...this._started].reverse()) {
      try {
        await output.stop();
      } catch (error) {
        this._fail(output, 'stop', error);
      }
    }
  }

  private _fail(output: Output, phase: OutputPhase, error: unknown): void {
    const firstFailure = !this._broken.has(output);
    this._failures.push({ output: output.name, phase, error });
    this._broken.add(output);
    this._logger.log(
      firstFailure ? 'error' : 'debug',
      firstFailure
        ? `output "${output.name}" failed in ${phase}: ${messageOf(error)}; the run goes on without it`
        : `output "${output.name}" failed again in ${phase}: ${messageOf(error)}`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
