import * as z from 'zod';
import { duration, nonNegativeInt, positiveInt, unlessMissing } from '../scenario/fields.js';
import { defineExecutor } from './executor.js';
import { plannedMode, type Plan, type PlannedBot, type PlannedConference } from './plan.js';
import { ordinal, sanitizeRoomName } from './room-name.js';

const rampUpSchema = z
  .union([
    z.strictObject({ every: duration('Start the next bot this long after the previous one') }),
    z.strictObject({ over: duration('Spread all bot starts evenly over this time') }),
  ])
  .describe('Bot start schedule: { every: 2s } or { over: 1m }; all at once when omitted');

/**
 * The most bots one plan may hold. A plan lists every bot and each bot is a browser page, so a plan
 * past this (hundreds of machines' worth) is a typo, and planning it would exhaust memory.
 */
export const MAX_PLANNED_BOTS = 100_000;

/**
 * N conferences of M participants each. Bots start conference after conference (all of conference 1
 * first), so the first conferences are complete while later ones still fill. The first `senders`
 * participants of each conference send media; the rest receive only.
 */
export const conferenceGrid = defineExecutor({
  name: 'conference-grid',
  describe: () => 'N conferences × M participants, started one after another with an optional ramp-up',
  options: z.object({
    conferences: positiveInt('Number of conferences (rooms)'),
    participantsPerConference: positiveInt('Bots per conference'),
    senders: z
      .union([z.literal('all'), nonNegativeInt('Senders per conference')], {
        error: unlessMissing('must be "all" or a non-negative integer'),
      })
      .default('all')
      .describe('Participants per conference that send media ("all" or a number); the rest receive only'),
    rampUp: rampUpSchema.optional(),
    duration: duration('How long every bot stays after the last one started'),
  }),
  refine(scenario, ctx) {
    const { senders, participantsPerConference, conferences } = scenario;
    const total = conferences * participantsPerConference;
    if (Number.isInteger(conferences) && Number.isInteger(participantsPerConference) && total > MAX_PLANNED_BOTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['conferences'],
        message: `conferences × participantsPerConference must be at most ${MAX_PLANNED_BOTS} bots (got ${conferences} × ${participantsPerConference})`,
      });
    }
    if (
      typeof senders === 'number' &&
      Number.isInteger(participantsPerConference) &&
      participantsPerConference >= 1 &&
      senders > participantsPerConference
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['senders'],
        message: `must be at most participantsPerConference (${participantsPerConference}) (got ${senders})`,
      });
    }
    const overrides = (scenario.bots as { overrides?: unknown } | undefined)?.overrides;
    if (Array.isArray(overrides) && Number.isInteger(participantsPerConference)) {
      overrides.forEach((override: { participants?: unknown } | null, entry) => {
        if (!Array.isArray(override?.participants)) return;
        override.participants.forEach((index: unknown, position) => {
          if (typeof index === 'number' && index >= participantsPerConference) {
            ctx.addIssue({
              code: 'custom',
              path: ['bots', 'overrides', entry, 'participants', position],
              message: `must be below participantsPerConference (${participantsPerConference}): participants are counted from 0 (got ${index})`,
            });
          }
        });
      });
    }
  },
  plan(scenario): Plan {
    const { conferences: conferenceCount, participantsPerConference: participants, rampUp } = scenario;
    const senders = scenario.senders === 'all' ? participants : scenario.senders;
    const prefix = (scenario.target.kind === 'page' ? undefined : scenario.target.roomPrefix) ?? scenario.name;
    const total = conferenceCount * participants;
    const offsetOf = (index: number): number => {
      if (rampUp === undefined) return 0;
      if ('every' in rampUp) return index * rampUp.every;
      return total > 1 ? Math.round((index * rampUp.over) / (total - 1)) : 0;
    };

    const conferences: PlannedConference[] = [];
    const bots: PlannedBot[] = [];
    for (let c = 0; c < conferenceCount; c++) {
      const name = sanitizeRoomName(`${prefix}-${ordinal(c, conferenceCount)}`);
      conferences.push({ name, index: c, participants, senders });
      for (let p = 0; p < participants; p++) {
        const index = bots.length;
        const role = p < senders ? 'sender' : 'receiver';
        bots.push({
          id: `c${ordinal(c, conferenceCount)}-p${ordinal(p, participants)}`,
          index,
          conference: name,
          conferenceIndex: c,
          participantIndex: p,
          role,
          mode: plannedMode(role, p, participants, scenario.bots.mode),
          startOffsetMs: offsetOf(index),
        });
      }
    }
    const rampUpMs = bots.at(-1)?.startOffsetMs ?? 0;
    return {
      scenario: scenario.name,
      executor: 'conference-grid',
      conferences,
      bots,
      rampUpMs,
      holdMs: scenario.duration,
      totalMs: rampUpMs + scenario.duration,
    };
  },
});
