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
