import type { MediaKind } from './relay-header.js';

/** Shortest gap between two keyframe requests sent upstream for one source (JVB throttles too). */
export const KEYFRAME_REQUEST_MIN_INTERVAL_MS = 200;

export type PacketSink = (rtp: Buffer) => void;

/**
 * One sender's audio or video stream inside a conference on one bridge: either received from a
 * local endpoint's PeerConnection or arriving over a relay from the bridge that owns it. Sinks are
 * subscribers' senders and relay links; each gets the same serialized RTP packet and must not
 * mutate it.
 */
export class MediaSource {
  readonly key: string;
  private readonly sinks = new Set<PacketSink>();
  private lastKeyframeRequestAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly endpointId: string,
    readonly kind: MediaKind,
    /** Where this source's media comes from: its own bridge, or the relay from another bridge. */
    readonly origin: { type: 'local' } | { type: 'relayed'; bridgeId: string },
    private readonly sendKeyframeRequest: () => void,
    private readonly now: () => number = Date.now,
  ) {
    this.key = sourceKey(endpointId, kind);
  }

  addSink(sink: PacketSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  get sinkCount(): number {
    return this.sinks.size;
  }

  deliver(rtp: Buffer): void {
    for (const sink of this.sinks) sink(rtp);
  }

  /** Asks the sender for a keyframe (PLI upstream), at most once per {@link KEYFRAME_REQUEST_MIN_INTERVAL_MS}. */
  requestKeyframe(): boolean {
    if (this.kind !== 'video') return false;
    const t = this.now();
    if (t - this.lastKeyframeRequestAt < KEYFRAME_REQUEST_MIN_INTERVAL_MS) return false;
    this.lastKeyframeRequestAt = t;
    this.sendKeyframeRequest();
    return true;
  }

  close(): void {
    this.sinks.clear();
  }
}

export function sourceKey(endpointId: string, kind: MediaKind): string {
  return `${endpointId}/${kind}`;
}
