import type { LayerSnapshot } from './allocation.js';
import type { MediaKind } from './relay-header.js';
import { parseVp8Payload, type Vp8Descriptor } from './vp8.js';

/** Shortest gap between two keyframe requests sent upstream for one source (JVB throttles too). */
export const KEYFRAME_REQUEST_MIN_INTERVAL_MS = 200;
/** Window over which a layer's bitrate and frame rate are measured; a layer silent that long is inactive. */
export const LAYER_RATE_WINDOW_MS = 1_000;
/**
 * Heights assumed for simulcast encodings 0, 1, 2 until a keyframe tells the real one, like JVB's
 * layer table built from the signaled SIM group (`MediaSourceFactory`).
 */
export const DEFAULT_ENCODING_HEIGHTS: readonly number[] = [180, 360, 720];
/** Simulcast encodings (streams) a camera source has, as Jitsi Meet's client sends them. */
export const SIMULCAST_ENCODINGS = 3;

/** One RTP packet as the bridge forwards it: serialized without header extensions, never mutated. */
export interface MediaPacket {
  rtp: Buffer;
  kind: MediaKind;
  /** Simulcast encoding (0 = lowest); 0 for audio. */
  encoding: number;
  ssrc: number;
  sequenceNumber: number;
  timestamp: number;
  payloadOffset: number;
  /** Payload length without padding; 0 for a padding-only packet. */
  payloadLength: number;
  vp8: Vp8Descriptor | undefined;
}

/** Reads the fields the bridge needs from a serialized RTP packet; undefined for anything that is not RTP. */
export function parseMediaPacket(rtp: Buffer, kind: MediaKind, encoding: number): MediaPacket | undefined {
  if (rtp.length < 12 || ((rtp[0] ?? 0) >> 6) !== 2) return undefined;
  const b0 = rtp[0] ?? 0;
  let payloadOffset = 12 + 4 * (b0 & 0x0f);
  if (b0 & 0x10) {
    if (rtp.length < payloadOffset + 4) return undefined;
    payloadOffset += 4 + 4 * rtp.readUInt16BE(payloadOffset + 2);
  }
  const padding = b0 & 0x20 ? (rtp[rtp.length - 1] ?? 0) : 0;
  const payloadLength = rtp.length - payloadOffset - padding;
  if (payloadLength < 0) return undefined;
  return {
    rtp,
    kind,
    encoding,
    ssrc: rtp.readUInt32BE(8),
    sequenceNumber: rtp.readUInt16BE(2),
    timestamp: rtp.readUInt32BE(4),
    payloadOffset,
    payloadLength,
    vp8: kind === 'video' && payloadLength > 0 ? parseVp8Payload(rtp.subarray(payloadOffset, payloadOffset + payloadLength)) : undefined,
  };
}

export type PacketSink = (packet: MediaPacket) => void;

/** Sliding-window byte and frame counts of one simulcast encoding, in 100 ms buckets. */
class LayerStats {
  private static readonly buckets = 10;
  private readonly bytes = new Array<number>(LayerStats.buckets).fill(0);
  private readonly frames = new Array<number>(LayerStats.buckets).fill(0);
  private bucketStart = 0;
  ssrc: number | undefined;
  height: number | undefined;
  width: number | undefined;

  record(now: number, bytes: number, frameStart: boolean): void {
    this.advance(now);
    const i = Math.floor(now / 100) % LayerStats.buckets;
    this.bytes[i] = (this.bytes[i] ?? 0) + bytes;
    if (frameStart) this.frames[i] = (this.frames[i] ?? 0) + 1;
  }

  bitrateBps(now: number): number {
    this.advance(now);
    return (this.bytes.reduce((a, b) => a + b, 0) * 8 * 1000) / LAYER_RATE_WINDOW_MS;
  }

  frameRate(now: number): number {
    this.advance(now);
    return (this.frames.reduce((a, b) => a + b, 0) * 1000) / LAYER_RATE_WINDOW_MS;
  }

  /** Clears the buckets that fell out of the window since the last call. */
  private advance(now: number): void {
    const current = Math.floor(now / 100);
    const stale = Math.min(LayerStats.buckets, current - this.bucketStart);
    for (let k = 1; k <= stale; k++) {
      const i = (this.bucketStart + k) % LayerStats.buckets;
      this.bytes[i] = 0;
      this.frames[i] = 0;
    }
    if (current > this.bucketStart) this.bucketStart = current;
  }
}

export interface LayerInfo extends LayerSnapshot {
  width: number | undefined;
  frameRate: number;
  ssrc: number | undefined;
}

/**
 * One sender's audio or video source inside a conference on one bridge: received from a local
 * endpoint's PeerConnection or arriving over a relay from the bridge that owns it. Video sources
 * track each simulcast encoding's bitrate, frame rate and (from keyframes) frame size. Sinks are
 * receivers' forwarders and relay links; each gets the same packet and must not mutate it.
 */
export class MediaSource {
  readonly key: string;
  readonly sourceName: string;
  private readonly sinks = new Set<PacketSink>();
  private readonly layerStats: LayerStats[] = [];
  private lastKeyframeRequestAt = Number.NEGATIVE_INFINITY;
  keyframesReceived = 0;

  constructor(
    readonly endpointId: string,
    readonly kind: MediaKind,
    /** Where this source's media comes from: its own bridge, or the relay from another bridge. */
    readonly origin: { type: 'local' } | { type: 'relayed'; bridgeId: string },
    /** Sends the request upstream: a PLI for `ssrc` to a local sender, or a relay request for `encoding`. */
    private readonly sendKeyframeRequest: (request: { encoding: number | undefined; ssrc: number | undefined }) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.key = sourceKey(endpointId, kind);
    this.sourceName = `${endpointId}-${kind === 'video' ? 'v' : 'a'}0`;
    if (kind === 'video') for (let i = 0; i < SIMULCAST_ENCODINGS; i++) this.layerStats.push(new LayerStats());
  }

  addSink(sink: PacketSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  get sinkCount(): number {
    return this.sinks.size;
  }

  deliver(packet: MediaPacket): void {
    const stats = this.layerStats[packet.encoding];
    // Padding-only packets (Chromium probes with them on its top stream) say nothing about a layer's
    // media; like JVB, which measures layers after terminating padding, they do not count.
    if (stats && packet.payloadLength > 0) {
      stats.ssrc = packet.ssrc;
      stats.record(this.now(), packet.rtp.length, packet.vp8?.frameStart === true);
      if (packet.vp8?.keyframe) {
        this.keyframesReceived += 1;
        if (packet.vp8.height !== undefined) {
          stats.height = packet.vp8.height;
          stats.width = packet.vp8.width;
        }
      }
    }
    for (const sink of this.sinks) sink(packet);
  }

  /** Each simulcast encoding of a video source (none for audio), ascending. */
  layers(): LayerInfo[] {
    const now = this.now();
    return this.layerStats.map((s, encoding) => ({
      encoding,
      height: s.height ?? DEFAULT_ENCODING_HEIGHTS[encoding] ?? 0,
      width: s.width,
      bitrateBps: s.bitrateBps(now),
      frameRate: s.frameRate(now),
      ssrc: s.ssrc,
    }));
  }

  /** Asks the sender for a keyframe on `encoding` (PLI upstream), at most once per {@link KEYFRAME_REQUEST_MIN_INTERVAL_MS}. */
  requestKeyframe(encoding?: number): boolean {
    if (this.kind !== 'video') return false;
    const t = this.now();
    if (t - this.lastKeyframeRequestAt < KEYFRAME_REQUEST_MIN_INTERVAL_MS) return false;
    this.lastKeyframeRequestAt = t;
    const ssrc = encoding === undefined ? undefined : this.layerStats[encoding]?.ssrc;
    this.sendKeyframeRequest({ encoding, ssrc: ssrc ?? this.layerStats.find((s) => s.ssrc !== undefined)?.ssrc });
    return true;
  }

  close(): void {
    this.sinks.clear();
  }
}

export function sourceKey(endpointId: string, kind: MediaKind): string {
  return `${endpointId}/${kind}`;
}
