import {
  ExitCode,
  buildSummary,
  runPhaseEvent,
  type Insight,
  type MetricRegistry,
  type OutputManager,
  type ResultsReader,
  type RunContext,
  type RunPhase,
  type RunStatus,
  type Summary,
  type ThresholdEvaluator,
  type ThresholdResult,
} from '@jlt/core';
import type { CoordinatorResult } from '@jlt/agents';
import type { ResultsStore } from '@jlt/reporters';
import { settleWithin } from './interrupt.js';
import type { RunIngest } from './ingest.js';

export interface RunOutcome {
  status: RunStatus;
  exitCode: number;
  resultsDir: string;
  summary: Summary;
  thresholds: ThresholdResult[];
  insights: readonly Insight[];
}

const STATUS_EXIT_CODES: Record<RunStatus, number> = {
  passed: ExitCode.passed,
  'thresholds-failed': ExitCode.thresholdsFailed,
  aborted: ExitCode.abortedByThreshold,
  interrupted: ExitCode.interrupted,
  'agent-lost': ExitCode.agentLost,
  error: ExitCode.internalError,
};

export interface FinishInput {
  result: CoordinatorResult;
  scenario: string;
  runId: string;
  plannedBots: number;
  registry: MetricRegistry;
  evaluator: ThresholdEvaluator;
  outputs: OutputManager;
  ingest: RunIngest;
  store: ResultsStore;
  resultsDir: string;
  /** Rules over the durable store; run once. */
  computeInsights: (results: ResultsReader) => Promise<Insight[]>;
  /** The phase an interrupt came in, if one did. */
  interruptedWhile: () => RunPhase | undefined;
  ctx: RunContext;
}

/**
 * The end of a run, in this order, so that every output sees one consistent outcome:
 * 1. final thresholds, the summary and the status (a run in which no bot joined is no pass);
 * 2. the store made durable, then the insights computed from it, once;
 * 3. every output's `onRunEnd` (the store first, the end summary last, which then lists the
 *    failures and files of all before it), then their `stop`;
 * 4. run.json gets the final list of output failures, and the store is closed.
 * After an interrupt, steps 3 and 4 get a few seconds (INTERRUPT_GRACE_MS) before the run gives up
 * on them; what is in the store stays readable either way.
 */
export async function finishRun(input: FinishInput): Promise<RunOutcome> {
  const { result, registry, evaluator, outputs, ingest, store, ctx } = input;
  const durationMs = result.startedAt === undefined ? 0 : Math.max(0, result.endedAt - result.startedAt);
  const thresholds = evaluator.final({ elapsedMs: durationMs });
  const joined = result.bots.filter((b) => b.joined).length;
  const { status, reason } = statusOf(result, thresholds.every((t) => t.passed), joined, input.plannedBots);
  const summary = buildSummary(
    registry,
    thresholds,
    { planned: input.plannedBots, joined, failed: result.bots.filter((b) => b.state === 'failed').length },
    { scenario: input.scenario, runId: input.runId, startedAt: result.startedAt ?? result.endedAt, durationMs, status },
  );

  ingest.events([runPhaseEvent(ctx.now(), { phase: 'reports' }, { scenario: input.scenario })]);
  await store.flush();
  const insights = await input.computeInsights(store.results).catch((error: unknown) => {
    ctx.logger.log('error', `computing the run's insights failed: ${(error as Error).message}`);
    return [];
  });
  await settleWithin(
    outputs.runEnd({ status, ...(reason === undefined ? {} : { reason }), endedAt: result.endedAt, thresholds, summary, insights }),
    ctx.signal,
  );
  await settleWithin(outputs.stop(), ctx.signal);
  const interruptedWhile = input.interruptedWhile();
  await store.updateMeta({ outputFailures: outputs.failureRecords(), ...(interruptedWhile === undefined ? {} : { interruptedWhile }) });
  await store.close();
  return { status, exitCode: STATUS_EXIT_CODES[status], resultsDir: input.resultsDir, summary, thresholds, insights };
}

function statusOf(result: CoordinatorResult, thresholdsPassed: boolean, joined: number, planned: number): { status: RunStatus; reason?: string } {
  const reason = result.reason;
  switch (result.status) {
    case 'interrupted':
      return { status: 'interrupted', ...(reason ? { reason } : {}) };
    case 'agent-lost':
      return { status: 'agent-lost', ...(reason ? { reason } : {}) };
    case 'aborted':
      return { status: 'aborted', ...(reason ? { reason } : {}) };
    case 'completed':
      if (planned > 0 && joined === 0) return { status: 'thresholds-failed', reason: `no bot joined (0 of ${planned})` };
      return { status: thresholdsPassed ? 'passed' : 'thresholds-failed' };
  }
}
