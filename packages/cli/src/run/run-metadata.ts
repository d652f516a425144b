import { redactUrl, type LoadedScenario, type RunPhase } from '@jlt/core';
import type { CoordinatorResult, ServerCollectors } from '@jlt/agents';
import { JLT_VERSION } from '../version.js';
import type { StartedTarget } from './target.js';

/**
 * What `run.json` (and the store's `run_meta`) says about a run, written in steps so that a run that
 * stops anywhere leaves a readable record of how far it got. URLs are redacted here.
 */

export function initialMeta(loaded: LoadedScenario, run: { runId: string; file: string; createdAt: number }): Record<string, unknown> {
  const { scenario, plan, thresholds } = loaded;
  return {
    runId: run.runId,
    scenario: scenario.name,
    scenarioFile: run.file,
    createdAt: new Date(run.createdAt).toISOString(),
    plan: { bots: plan.bots.length, conferences: plan.conferences.length, rampUpMs: plan.rampUpMs, holdMs: plan.holdMs },
    thresholds: thresholds.map((t) => `${t.key}: ${t.expression.source}`),
    status: 'running',
    version: JLT_VERSION,
  };
}

export function targetMeta(kind: string, target: StartedTarget): Record<string, unknown> {
  return { target: { kind, url: redactUrl(target.url), bridges: target.bridges } };
}

/** Agents with their clock estimates, bots with their final state and bridge, placement and polls. */
export function outcomeMeta(result: CoordinatorResult, collectors: ServerCollectors): Record<string, unknown> {
  return {
    placement: collectors.placement.summary(),
    collectorPolls: collectors.counts(),
    startedAt: result.startedAt === undefined ? undefined : new Date(result.startedAt).toISOString(),
    agents: result.agents.map((a) => ({
      id: a.id,
      name: a.name,
      address: a.remoteAddress,
      cores: a.capacity.cores,
      memoryBytes: a.capacity.memoryBytes,
      maxBots: a.capacity.maxBots,
      bots: a.bots.length,
      lost: a.lost,
      clockOffsetMs: a.clock?.offsetMs,
      clockUncertaintyMs: a.clock?.uncertaintyMs,
      clockRttMs: a.clock?.rttMs,
      rejectedMessages: a.rejectedMessages,
    })),
    bots: result.bots.map((b) => ({
      id: b.bot.id,
      conference: b.bot.conference,
      agent: b.agentId,
      state: b.state,
      bridge: b.bridge && (collectors.placement.resolveBridge(b.bridge) ?? b.bridge),
      reason: b.reason,
    })),
  };
}

/** A run that ended on an error or an interrupt before the coordinator could report. */
export function failureMeta(error: unknown, interruptedWhile: RunPhase | undefined): Record<string, unknown> {
  return interruptedWhile === undefined
    ? { status: 'error', error: error instanceof Error ? error.message : String(error) }
    : { status: 'interrupted', interruptedWhile };
}
