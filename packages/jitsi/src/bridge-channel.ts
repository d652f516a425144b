import { z } from 'zod';
import type { ReceiverVideoConstraintsMessage } from './browser/layout.js';

/*
 * Bridge-channel messages about video layers, as JVB @a29d97d1 defines them
 * (`jvb/src/main/kotlin/org/jitsi/videobridge/message/BridgeChannelMessage.kt`; `doc/allocation.md`):
 * - client → bridge `ReceiverVideoConstraints` (`ReceiverVideoConstraintsMessage`): every field optional,
 *   an absent one leaves the current setting; maxHeight -1 is unlimited and 0 turns a source off;
 * - bridge → client `SenderSourceConstraints` (`SenderSourceConstraintsMessage`): the highest height any
 *   receiver wants of one of the client's sources;
 * - bridge → client `ForwardedSources`: the sources the bridge currently forwards to this client;
 * - bridge → bridge (relay) `AddReceiver`: what a remote bridge's receivers want of a local source.
 * Source names are `<endpointId>-v0` for the camera and `<endpointId>-a0` for the microphone.
 */

export const VideoConstraintsSchema = z.strictObject({
  maxHeight: z.number().int().min(-1).describe('-1 unlimited, 0 off'),
  maxFrameRate: z.number().min(-1).optional().describe('-1 unlimited'),
});
export type VideoConstraintsValue = z.output<typeof VideoConstraintsSchema>;

const sourceName = z.string().min(1).max(64);

export const ReceiverVideoConstraintsSchema = z.strictObject({
  colibriClass: z.literal('ReceiverVideoConstraints'),
  lastN: z.number().int().min(-1).optional(),
  selectedSources: z.array(sourceName).max(256).optional(),
  onStageSources: z.array(sourceName).max(256).optional(),
  defaultConstraints: VideoConstraintsSchema.optional(),
  constraints: z.record(sourceName, VideoConstraintsSchema).optional(),
  assumedBandwidthBps: z.number().int().optional(),
}) satisfies z.ZodType<ReceiverVideoConstraintsMessage>;

export interface SenderSourceConstraintsMessage {
  colibriClass: 'SenderSourceConstraints';
  sourceName: string;
  maxHeight: number;
}

export interface ForwardedSourcesMessage {
  colibriClass: 'ForwardedSources';
  forwardedSources: string[];
}

export const AddReceiverSchema = z.strictObject({
  colibriClass: z.literal('AddReceiver'),
  bridgeId: z.string().min(1),
  sourceName,
  videoConstraints: VideoConstraintsSchema,
});
export type AddReceiverMessage = z.output<typeof AddReceiverSchema>;

/** JVB's source name of an endpoint's camera. */
export function videoSourceName(endpointId: string): string {
  return `${endpointId}-v0`;
}

/** The endpoint a `<endpointId>-v0` / `-a0` source name belongs to, or undefined for another form. */
export function sourceOwner(name: string): string | undefined {
  const match = /^(.+)-[av]\d+$/.exec(name);
  return match?.[1];
}
