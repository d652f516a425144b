import type { BotState } from './protocol.js';
import type { RunEvent, Tags } from './metrics/sample.js';

/**
 * The run's own progress as events, so that it travels through the one fan-out like everything
 * else: the live progress draws from them and the results store keeps them (`events` table), so a
 * report can tell how far an interrupted run got.
 */

/**
 * Phases of `jlt run`, in order. `loading` and `results` happen before the outputs exist and are
 * only logged; every later one is a `run-phase` event.
 */
export const RUN_PHASES = ['loading', 'results', 'outputs', 'target', 'agents', 'preparing', 'running', 'stopping', 'reports'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** What each phase is called where people read it. */
export const RUN_PHASE_LABELS: Record<RunPhase, string> = {
  loading: 'loading the scenario',
  results: 'creating the results store',
  outputs: 'starting outputs',
  target: 'starting the target',
  agents: 'waiting for agents',
  preparing: 'launching browsers',
  running: 'running',
  stopping: 'stopping bots',
  reports: 'writing reports',
};

export const RUN_PHASE_EVENT = 'run-phase';
export const BOT_STATE_EVENT = 'bot-state';
export const AGENT_CONNECTED_EVENT = 'agent-connected';
export const AGENT_LOST_EVENT = 'agent-lost';
/** An agent was given more bots than its cores fit (`--max-bots` above the measured capacity). */
export const AGENT_OVERSUBSCRIBED_EVENT = 'agent-oversubscribed';

export interface RunPhaseInfo {
  phase: RunPhase;
  /** `running` only: the common start on the coordinator clock, and how long the plan lasts. */
  startedAt?: number;
  totalMs?: number;
  /** Agents taking part (`preparing` onwards). */
  agents?: number;
}

export function runPhaseEvent(time: number, info: RunPhaseInfo, tags?: Tags): RunEvent {
  return {
    time,
    kind: RUN_PHASE_EVENT,
    level: 'info',
    message: RUN_PHASE_LABELS[info.phase],
    ...(tags ? { tags } : {}),
    meta: { ...info },
  };
}

/** The phase an event announces, or undefined for any other event. */
export function readRunPhase(event: RunEvent): RunPhaseInfo | undefined {
  if (event.kind !== RUN_PHASE_EVENT) return undefined;
  const meta = event.meta ?? {};
  const phase = meta.phase;
  if (typeof phase !== 'string' || !(RUN_PHASES as readonly string[]).includes(phase)) return undefined;
  return {
    phase: phase as RunPhase,
    ...(typeof meta.startedAt === 'number' ? { startedAt: meta.startedAt } : {}),
    ...(typeof meta.totalMs === 'number' ? { totalMs: meta.totalMs } : {}),
    ...(typeof meta.agents === 'number' ? { agents: meta.agents } : {}),
  };
}

/** A bot's state as the coordinator tracks it: the agent's states, plus `lost` with its agent. */
export type TrackedBotState = BotState | 'lost';

export interface BotStateInfo {
  bot: string;
  state: TrackedBotState;
  reason?: string;
  bridge?: string;
}

export function botStateEvent(time: number, info: BotStateInfo, tags: Tags): RunEvent {
  return {
    time,
    kind: BOT_STATE_EVENT,
    level: 'info',
    message: `bot ${info.bot} ${info.state}${info.reason ? `: ${info.reason}` : ''}`,
    tags,
    meta: { ...info },
  };
}

export function readBotState(event: RunEvent): BotStateInfo | undefined {
  if (event.kind !== BOT_STATE_EVENT) return undefined;
  const { bot, state, reason, bridge } = event.meta ?? {};
  if (typeof bot !== 'string' || typeof state !== 'string') return undefined;
  return {
    bot,
    state: state as TrackedBotState,
    ...(typeof reason === 'string' ? { reason } : {}),
    ...(typeof bridge === 'string' ? { bridge } : {}),
  };
}
