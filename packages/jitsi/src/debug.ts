import { z } from 'zod';
import { parsePayload } from './payload.js';

/*
 * JVB `GET /debug` (private HTTP port; `videobridge.rest.debug.enabled`, on by default). Current JVB
 * (`Videobridge.getDebugState`) answers `{shutdown_state, drain, time, load_management, conferences}`;
 * JVB of 2022 answered `{shutdownInProgress, time, "load-management", overall_bridge_jitter, conferences,
 * health}`. Both are accepted. In short mode an endpoint maps to its stats id (a string); with
 * `?full=true` or `/debug/{confId}` it maps to an object, so both are accepted too.
 */

const loadManagement = z.looseObject({
  state: z.string().optional(),
  stress: z.union([z.string(), z.number()]).optional(),
  reducer_enabled: z.union([z.string(), z.boolean()]).optional(),
  reducer: z.looseObject({}).optional(),
});

const endpointOrRelay = z.union([z.string(), z.looseObject({})]);

export const JvbDebugConferenceSchema = z.looseObject({
  id: z.string().optional(),
  /** `<room>@<muc domain>` */
  name: z.string().optional(),
  meeting_id: z.string().optional(),
  rtcstatsEnabled: z.boolean().optional(),
  /** Local endpoints only: endpoint id → stats id (short mode) or debug state (full mode). */
  endpoints: z.record(z.string(), endpointOrRelay).optional(),
  /** Relays to other bridges: relay id → relay id (short mode) or debug state (full mode). */
  relays: z.record(z.string(), endpointOrRelay).optional(),
});

export const JvbDebugSchema = z.looseObject({
  shutdown_state: z.string().optional(),
  shutdownInProgress: z.boolean().optional(),
  drain: z.boolean().optional(),
  /** Epoch milliseconds. */
  time: z.number().optional(),
  load_management: loadManagement.optional(),
  'load-management': loadManagement.optional(),
  overall_bridge_jitter: z.number().nullable().optional(),
  health: z.string().optional(),
  conferences: z.record(z.string(), JvbDebugConferenceSchema).optional(),
});

export type JvbDebug = z.output<typeof JvbDebugSchema>;
export type JvbDebugConference = z.output<typeof JvbDebugConferenceSchema>;

export function parseJvbDebug(value: unknown, source = 'JVB /debug'): JvbDebug {
  return parsePayload(JvbDebugSchema, value, source);
}

/** Which conferences, endpoints and relays one bridge hosts at one moment. */
export interface BridgePlacement {
  bridge: string;
  conferences: ConferencePlacement[];
}

export interface ConferencePlacement {
  /** JVB's conference id (16 hex digits on real JVB). */
  id: string;
  /** `<room>@<muc domain>` when JVB reports it. */
  name?: string;
  meetingId?: string;
  /** Local endpoint ids, sorted; equal to the bots' `APP.conference.getMyUserId()`. */
  endpoints: string[];
  /** Relay ids of the other bridges this conference is relayed to, sorted. */
  relays: string[];
}

/**
 * The placement ground truth from one bridge's `/debug`: an endpoint id appears under exactly one
 * bridge (relayed endpoints are not listed, the relay is). Conferences are sorted by id.
 */
export function placementFromDebug(debug: JvbDebug, bridgeId: string): BridgePlacement {
  const conferences = Object.entries(debug.conferences ?? {})
    .map(([key, conference]): ConferencePlacement => {
      const placement: ConferencePlacement = {
        id: conference.id ?? key,
        endpoints: Object.keys(conference.endpoints ?? {}).sort(),
        relays: Object.keys(conference.relays ?? {}).sort(),
      };
      if (conference.name !== undefined) placement.name = conference.name;
      if (conference.meeting_id !== undefined) placement.meetingId = conference.meeting_id;
      return placement;
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { bridge: bridgeId, conferences };
}

/** The room part of a conference name: `loadtest-1@conference.meet.example.org` → `loadtest-1`. */
export function roomFromConferenceName(name: string): string {
  const at = name.indexOf('@');
  return at === -1 ? name : name.slice(0, at);
}
