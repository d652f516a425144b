import { z } from 'zod';
import { ReceiverVideoConstraintsSchema, type ForwardedSourcesMessage, type SenderSourceConstraintsMessage } from '@jlt/jitsi';

/**
 * The testbed's signalling protocol between the meeting page and the focus, one JSON object per
 * WebSocket message. The bridge is always the offerer (like Jicofo's session-initiate): the page
 * joins, receives offers, and answers each one. `bridge-channel` messages carry what Jitsi sends over
 * the bridge channel (the SCTP data channel to JVB), in JVB's shapes: the page's
 * `ReceiverVideoConstraints`, and the bridge's `SenderSourceConstraints` and `ForwardedSources`.
 */
export const MAX_SIGNALLING_MESSAGE_BYTES = 256 * 1024;

export const joinMessage = z.strictObject({
  type: z.literal('join'),
  room: z.string().min(1).max(256),
  displayName: z.string().max(100).default(''),
  sendAudio: z.boolean(),
  sendVideo: z.boolean(),
  region: z.string().max(64).optional(),
});

export const answerMessage = z.strictObject({
  type: z.literal('answer'),
  sdp: z.string().min(1).max(MAX_SIGNALLING_MESSAGE_BYTES),
});

export const leaveMessage = z.strictObject({ type: z.literal('leave') });

export const bridgeChannelMessage = z.strictObject({
  type: z.literal('bridge-channel'),
  message: ReceiverVideoConstraintsSchema,
});

export const clientMessage = z.discriminatedUnion('type', [joinMessage, answerMessage, leaveMessage, bridgeChannelMessage]);
export type ClientMessage = z.infer<typeof clientMessage>;
export type JoinMessage = z.infer<typeof joinMessage>;

export interface MemberInfo {
  endpointId: string;
  displayName: string;
  bridgeId: string;
}

export interface SourceInfo {
  endpointId: string;
  kind: 'audio' | 'video';
  /** JVB's source name: `<endpointId>-v0` / `<endpointId>-a0`. */
  sourceName: string;
}

export type ServerMessage =
  | {
      type: 'joined';
      endpointId: string;
      conferenceId: string;
      room: string;
      bridgeId: string;
      region: string;
    }
  | { type: 'offer'; sdp: string; sources: Record<string, SourceInfo> }
  | { type: 'members'; members: MemberInfo[]; bridgeCount: number }
  | { type: 'bridge-channel'; message: SenderSourceConstraintsMessage | ForwardedSourcesMessage }
  | { type: 'error'; code: SignallingErrorCode; message: string };

export type SignallingErrorCode =
  | 'malformed-json'
  | 'invalid-message'
  | 'unknown-type'
  | 'not-joined'
  | 'already-joined'
  | 'invalid-room'
  | 'unexpected-answer'
  | 'internal';

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; code: SignallingErrorCode; message: string };

const knownTypes = new Set(['join', 'answer', 'leave', 'bridge-channel']);

/** Parses one raw WebSocket frame; never throws. Errors name the offending field. */
export function parseClientMessage(raw: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'malformed-json', message: 'message is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: 'invalid-message', message: 'message must be a JSON object' };
  }
  const type = (value as Record<string, unknown>).type;
  if (typeof type !== 'string' || !knownTypes.has(type)) {
    return {
      ok: false,
      code: 'unknown-type',
      message: `unknown message type ${JSON.stringify(type)}; expected one of: ${[...knownTypes].join(', ')}`,
    };
  }
  const parsed = clientMessage.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, code: 'invalid-message', message: `invalid "${type}" message: ${where}${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, message: parsed.data };
}
