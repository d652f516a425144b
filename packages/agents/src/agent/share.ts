import type { AssignedScenario, BotState, PlannedBot, RunEvent, Sample } from '@jlt/core';

/** What an agent runs for one assignment. Implemented on top of the worker (browser pool + bots). */
export interface Share {
  /** Launch browsers and make media files; resolves when bots can start without delay (the barrier). */
  prepare(): Promise<void>;
  /** Start every bot at `startAtLocalMs + bot.startOffsetMs` (agent clock); hold until `endAtLocalMs`. */
  start(startAtLocalMs: number, endAtLocalMs: number): void;
  /** Bots moved here from a lost agent; they start at their own offsets (at once if already past). */
  addBots(bots: readonly PlannedBot[]): void;
  /** Every bot leaves; resolves when they have. Idempotent. */
  stop(reason: string): Promise<void>;
  /** Resolves when every bot has left, whether by reaching the end time or by `stop`. */
  readonly finished: Promise<void>;
  activeBots(): number;
}

export interface ShareSink {
  samples(samples: Sample[]): void;
  events(events: RunEvent[]): void;
  botState(botId: string, state: BotState, info: { reason?: string; bridge?: string }): void;
}

export interface Assignment {
  runId: string;
  agentId: string;
  scenario: AssignedScenario;
  bots: PlannedBot[];
}

export interface ShareClock {
  /** Agent clock → coordinator clock, with the latest estimate. */
  toCoordinatorTime(localMs: number): number;
}

export type ShareFactory = (assignment: Assignment, sink: ShareSink, clock: ShareClock, signal: AbortSignal) => Share;
