import { maxConstraint, type Allocation, type AllocationSettings, type LayerSnapshot } from './allocation.js';
import type { LayerInfo, MediaSource } from './media-source.js';
import type { VideoForwarder } from './video-forwarder.js';

/*
 * One endpoint in JVB's full `/debug` state, with JVB's key names and value forms where JVB has them
 * (@a29d97d1: `AbstractEndpoint.debugState`, `Endpoint.debugState`, `BitrateController.debugState`,
 * `BandwidthAllocator.debugState`, `BandwidthAllocation.debugState`, `AllocationSettings.toJson`,
 * `RtpLayerDesc.debugState`, `VpxRtpLayerDesc.debugState`). JVB prints some maps with Kotlin's
 * `toString()` (`{a-v0={"maxHeight":180,"maxFrameRate":-1.0}}`, `[a-v0, b-v0]`); so does this.
 * Keys JVB does not have are the testbed's and named so: `media_sources` (this endpoint's own
 * simulcast layers as the bridge measures them) and `twcc`.
 */

/** The temporal layer the testbed forwards: all three of Chromium's VP8 temporal layers (T2). */
const FORWARDED_TEMPORAL_LAYER = 2;

function constraintsJson(maxHeight: number): string {
  return JSON.stringify({ maxHeight, maxFrameRate: -1 }).replace('"maxFrameRate":-1', '"maxFrameRate":-1.0');
}

/** JVB's `RtpLayerDesc.indexString` for a VP8 simulcast layer: `E<encoding>S0T<temporal>`. */
function indexString(encoding: number): string {
  return `E${encoding}S0T${FORWARDED_TEMPORAL_LAYER}`;
}

function layerDebugState(layer: LayerSnapshot, frameRate: number): Record<string, unknown> {
  return {
    frameRate,
    height: layer.height,
    index: (layer.encoding << 6) | FORWARDED_TEMPORAL_LAYER,
    bitrate_bps: Math.round(layer.bitrateBps),
    target_bitrate: 0,
    indexString: indexString(layer.encoding),
    tid: FORWARDED_TEMPORAL_LAYER,
    sid: -1,
  };
}

function kotlinMap(entries: readonly [string, string][]): string {
  return `{${entries.map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}

export interface EndpointDebugInput {
  statsId: string;
  /** Source name → receiver id → maxHeight. */
  receiverConstraints: ReadonlyMap<string, ReadonlyMap<string, number>>;
  settings: AllocationSettings;
  allocation: Allocation | undefined;
  forwardedSources: readonly string[];
  forwarders: readonly { source: MediaSource; forwarder: VideoForwarder }[];
  ownSources: readonly MediaSource[];
  twcc: { packetsReported: number; feedbackSent: number };
}

export function endpointDebugState(input: EndpointDebugInput): Record<string, unknown> {
  const receiverVideoConstraints: Record<string, unknown> = {};
  const max: [string, string][] = [];
  for (const [sourceName, byReceiver] of input.receiverConstraints) {
    const maxHeight = maxConstraint(byReceiver.values());
    receiverVideoConstraints[sourceName] = {
      maxHeight,
      constraints: Object.fromEntries([...byReceiver].map(([receiver, h]) => [receiver, constraintsJson(h)])),
    };
    max.push([sourceName, constraintsJson(maxHeight)]);
  }
  const frameRates = new Map<string, Map<number, number>>();
  for (const { source } of input.forwarders) frameRates.set(source.sourceName, new Map(source.layers().map((l) => [l.encoding, l.frameRate])));
  const allocations: Record<string, unknown> = {};
  const effective: [string, string][] = [];
  for (const a of input.allocation?.allocations ?? []) {
    const rates = frameRates.get(a.sourceName);
    allocations[a.sourceName] = {
      target: a.target ? layerDebugState(a.target, rates?.get(a.target.encoding) ?? -1) : null,
      ideal: a.ideal ? layerDebugState(a.ideal, rates?.get(a.ideal.encoding) ?? -1) : null,
    };
    effective.push([a.sourceName, constraintsJson(a.effectiveMaxHeight)]);
  }
  const s = input.settings;
  const projections: Record<string, unknown> = {};
  for (const { source, forwarder } of input.forwarders) {
    const layers = source.layers();
    const primary = layers[0]?.ssrc;
    if (primary === undefined) continue;
    const target = forwarder.targetEncoding;
    projections[String(primary)] = {
      targetSsrc: primary,
      targetIndex: target === undefined ? -1 : (target << 6) | FORWARDED_TEMPORAL_LAYER,
      needsKeyframe: forwarder.needsKeyframe,
      context: { vp8QualityFilter: { currentEncodingId: forwarder.currentEncoding ?? -1, internalEncodingIdTarget: target ?? -1, needsKeyframe: forwarder.needsKeyframe } },
      source: source.sourceName,
      packets_forwarded: forwarder.packetsForwarded,
      layer_switches: forwarder.layerSwitches,
    };
  }
  return {
    receiver_video_constraints: receiverVideoConstraints,
    max_receiver_video_constraints: kotlinMap(max),
    expired: false,
    stats_id: input.statsId,
    bitrate_controller: {
      bitrate_allocator: {
        trustBwe: false,
        bweBps: -1,
        allocation: {
          idealBps: input.allocation?.idealBps ?? -1,
          targetBps: input.allocation?.targetBps ?? -1,
          oversending: false,
          has_suspended_sources: (input.allocation?.suspended.length ?? 0) > 0,
          suspended_sources: `[${(input.allocation?.suspended ?? []).join(', ')}]`,
          allocations,
        },
        allocationSettings: {
          on_stage_sources: [...s.onStageSources],
          selected_sources: [...s.selectedSources],
          video_constraints: Object.fromEntries(Object.entries(s.constraints).map(([name, c]) => [name, constraintsJson(c.maxHeight)])),
          last_n: s.lastN,
          default_constraints: constraintsJson(s.defaultConstraints.maxHeight),
          assumed_bandwidth_bps: s.assumedBandwidthBps,
        },
        effectiveConstraints: kotlinMap(effective),
      },
      packet_handler: { adaptive_source_projection_map: projections },
      forwarded_sources: `[${input.forwardedSources.join(', ')}]`,
      oversending: false,
      total_oversending_time_secs: 0,
      supports_rtx: false,
      trust_bwe: false,
    },
    media_sources: input.ownSources.filter((source) => source.kind === 'video').map((source) => ({ source_name: source.sourceName, layers: source.layers().map(layerInfo) })),
    twcc: { packets_reported: input.twcc.packetsReported, feedback_sent: input.twcc.feedbackSent },
  };
}

function layerInfo(l: LayerInfo): Record<string, unknown> {
  return { encoding: l.encoding, ssrc: l.ssrc ?? null, height: l.height, width: l.width ?? null, frame_rate: l.frameRate, bitrate_bps: Math.round(l.bitrateBps) };
}
