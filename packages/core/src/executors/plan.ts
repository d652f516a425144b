import type { BotMode } from '../scenario/base-schema.js';

/** What an executor's `plan()` returns: every bot, where it goes, and when it starts. */
export type BotRole = 'sender' | 'receiver';

export interface PlannedBot {
  /** Stable id, unique in the run, e.g. `c03-p02`. Goes in sample metadata, never in tags. */
  id: string;
  /** 0-based position in start order. */
  index: number;
  /** The room name (already sanitised), which is also the `conference` tag. */
  conference: string;
  conferenceIndex: number;
  participantIndex: number;
  role: BotRole;
  /** `full` or `lite` (scenario `bots.mode`): what the bot does with what it receives. */
  mode: BotMode;
  /** Milliseconds after the run's common start time at which this bot starts joining. */
  startOffsetMs: number;
}

export interface PlannedConference {
  name: string;
  index: number;
  participants: number;
  senders: number;
}

export interface Plan {
  scenario: string;
  executor: string;
  conferences: PlannedConference[];
  bots: PlannedBot[];
  /** Start offset of the last bot. */
  rampUpMs: number;
  /** How long every bot stays after the last one started. */
  holdMs: number;
  /** rampUpMs + holdMs: when the run ends, relative to its start. */
  totalMs: number;
}

/**
 * A bot's mode from the scenario's `bots.mode`: the last `probes` participants of a conference are
 * full (receivers join after senders, so probes are receivers where the conference has enough), the
 * others take their role's mode.
 */
export function plannedMode(role: BotRole, participantIndex: number, participants: number, mode: { senders: BotMode; receivers: BotMode; probes: number }): BotMode {
  if (participantIndex >= participants - mode.probes) return 'full';
  return role === 'sender' ? mode.senders : mode.receivers;
}
