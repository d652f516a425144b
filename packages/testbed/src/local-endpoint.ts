import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  useAbsSendTime,
  useSdesMid,
  useTransportWideCC,
  type MediaStreamTrack,
  type RTCDtlsTransport,
  type RTCRtpTransceiver,
  type RtcpPacket,
  type RtpPacket,
} from 'werift';
import type { Logger } from '@jlt/core';
import { MediaSource, sourceKey } from './media-source.js';
import type { MediaKind } from './relay-header.js';
import type { ServerMessage, SourceInfo } from './signalling-messages.js';
import type { TrafficCounters } from './traffic-counters.js';

/** How long the bridge waits for the page's answer to one offer before giving up on the endpoint. */
export const ANSWER_TIMEOUT_MS = 15_000;

export type TransportEvent = 'ice-succeeded' | 'ice-failed' | 'dtls-failed' | 'disconnected';

export interface LocalEndpointOptions {
  id: string;
  displayName: string;
  sendAudio: boolean;
  sendVideo: boolean;
  /** The only address this endpoint's ICE candidates use (the bridge's loopback media address). */
  mediaAddress: string;
  signal: (message: ServerMessage) => void;
  counters: TrafficCounters;
  logger: Logger;
  onTransportEvent: (event: TransportEvent) => void;
  /** Called when negotiation with the page fails for good; the owner expires the endpoint. */
  onFailure: (reason: string) => void;
}

interface Subscription {
  source: MediaSource;
  transceiver: RTCRtpTransceiver;
  removeSink: () => void;
}

/** The payload types the bridge offers; every participant uses the same, so RTP forwards unchanged. */
function peerConnectionConfig(mediaAddress: string): ConstructorParameters<typeof RTCPeerConnection>[0] {
  return {
    codecs: {
      audio: [
        new RTCRtpCodecParameters({
          mimeType: 'audio/opus',
          clockRate: 48_000,
          channels: 2,
          payloadType: 111,
          parameters: 'minptime=10;useinbandfec=1',
        }),
      ],
      video: [
        new RTCRtpCodecParameters({
          mimeType: 'video/VP8',
          clockRate: 90_000,
          payloadType: 100,
          rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }, { type: 'transport-cc' }],
        }),
      ],
    },
    headerExtensions: {
      audio: [useSdesMid()],
      video: [useSdesMid(), useAbsSendTime(), useTransportWideCC()],
    },
    iceLite: true,
    iceUseIpv4: true,
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: mediaAddress },
    iceAdditionalHostAddresses: [mediaAddress],
  };
}

/** Keeps only the ICE candidates on `address`, so the page sees exactly the bridge's media address. */
export function restrictCandidates(sdp: string, address: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || line.split(' ')[4] === address)
    .join('\r\n');
}

/**
 * One participant's PeerConnection on a bridge. The bridge is always the offerer: it receives the
 * participant's audio/video on recvonly transceivers and forwards every other source on its own
 * sendonly transceiver, re-offering whenever sources come or go. Negotiations are serialized.
 */
export class LocalEndpoint {
  readonly id: string;
  readonly displayName: string;
  readonly sources = new Map<MediaKind, MediaSource>();
  private readonly pc: RTCPeerConnection;
  private readonly recv = new Map<MediaKind, RTCRtpTransceiver>();
  private readonly receivedSsrc = new Map<MediaKind, number>();
  private readonly wiredTracks = new WeakSet<MediaStreamTrack>();
  private readonly wiredTransports = new WeakSet<RTCDtlsTransport>();
  private readonly subscriptions = new Map<string, Subscription>();
  private negotiating: Promise<void> | undefined;
  private negotiationQueued = false;
  private pendingAnswer: { resolve(sdp: string): void; reject(error: Error): void } | undefined;
  private closed = false;
  private connected = false;
  readonly mediaReceived: Record<MediaKind, number> = { audio: 0, video: 0 };
  keyframesReceived = 0;

  constructor(private readonly options: LocalEndpointOptions) {
    this.id = options.id;
    this.displayName = options.displayName;
    this.pc = new RTCPeerConnection(peerConnectionConfig(options.mediaAddress));
    // Every offer has an audio and a video section, whatever the participant sends (as Jicofo's
    // session-initiate always has both contents): an offer without any is not BUNDLEd, so a
    // receive-only page (max-bundle) that joins before any sender rejected it, never answered, and
    // was expired after ANSWER_TIMEOUT_MS with its later renegotiations queued behind that offer.
    const sends: Record<MediaKind, boolean> = { audio: options.sendAudio, video: options.sendVideo };
    for (const kind of ['audio', 'video'] as const) {
      this.recv.set(kind, this.pc.addTransceiver(kind, { direction: 'recvonly' }));
      if (sends[kind]) this.sources.set(kind, new MediaSource(options.id, kind, { type: 'local' }, () => this.sendPli(kind)));
    }
    this.pc.onTrack.subscribe((track) => this.onTrack(track));
    this.pc.iceConnectionStateChange.subscribe((state) => {
      if (state === 'connected') options.onTransportEvent('ice-succeeded');
      if (state === 'failed') options.onTransportEvent('ice-failed');
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected' && !this.connected) {
        this.connected = true;
        for (const sub of this.subscriptions.values()) sub.source.requestKeyframe();
      }
      if (state === 'failed') options.onTransportEvent('dtls-failed');
      if (state === 'disconnected') options.onTransportEvent('disconnected');
    });
  }

  get isSendingAudio(): boolean {
    return this.mediaReceived.audio > 0;
  }

  get isSendingVideo(): boolean {
    return this.mediaReceived.video > 0;
  }

  get subscribedSourceKeys(): string[] {
    return [...this.subscriptions.keys()];
  }

  /** Starts forwarding `source` to this participant; renegotiates. */
  subscribe(source: MediaSource, renegotiate = true): void {
    if (this.closed || source.endpointId === this.id || this.subscriptions.has(source.key)) return;
    const transceiver = this.pc.addTransceiver(source.kind, { direction: 'sendonly' });
    const sender = transceiver.sender;
    const counters = this.options.counters;
    const removeSink = source.addSink((rtp) => {
      if (sender.dtlsTransport?.state !== 'connected') return;
      counters.packetsSent += 1;
      counters.bytesSent += rtp.length;
      sender.sendRtp(rtp).catch((error: unknown) => {
        this.options.logger.log('debug', 'testbed: forwarding RTP failed', { endpoint: this.id, error: String(error) });
      });
    });
    this.subscriptions.set(source.key, { source, transceiver, removeSink });
    if (renegotiate) this.requestNegotiation();
  }

  /** Stops forwarding the source `endpointId/kind`; its transceiver goes inactive on the next offer. */
  unsubscribe(endpointId: string, kind: MediaKind, renegotiate = true): void {
    const key = sourceKey(endpointId, kind);
    const sub = this.subscriptions.get(key);
    if (!sub || this.closed) return;
    sub.removeSink();
    this.subscriptions.delete(key);
    sub.transceiver.setDirection('inactive');
    if (renegotiate) this.requestNegotiation();
  }

  /** Queues an offer/answer round; rounds never overlap, and changes made meanwhile coalesce. */
  requestNegotiation(): void {
    if (this.closed) return;
    if (this.negotiating) {
      this.negotiationQueued = true;
      return;
    }
    this.negotiating = this.negotiate()
      .catch((error: unknown) => {
        if (this.closed) return;
        this.options.logger.log('warn', 'testbed: negotiation failed', { endpoint: this.id, error: String(error) });
        this.options.onFailure(String(error));
      })
      .finally(() => {
        this.negotiating = undefined;
        if (this.negotiationQueued && !this.closed) {
          this.negotiationQueued = false;
          this.requestNegotiation();
        }
      });
  }

  /** Applies the page's answer to the outstanding offer; false when no offer is outstanding. */
  handleAnswer(sdp: string): boolean {
    const pending = this.pendingAnswer;
    if (!pending) return false;
    this.pendingAnswer = undefined;
    pending.resolve(sdp);
    return true;
  }

  /** Mean round-trip time in ms reported by the participant's receiver reports, if any. */
  async roundTripTimeMs(): Promise<number | undefined> {
    const samples: number[] = [];
    for (const sub of this.subscriptions.values()) {
      const report = await sub.transceiver.sender.getStats().catch(() => undefined);
      if (!report) continue;
      for (const stat of report.values()) {
        const rtt = (stat as { type?: string; roundTripTime?: number }).roundTripTime;
        if ((stat as { type?: string }).type === 'remote-inbound-rtp' && typeof rtt === 'number' && rtt > 0) {
          samples.push(rtt * 1000);
        }
      }
    }
    return samples.length > 0 ? samples.reduce((a, b) => a + b, 0) / samples.length : undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.pendingAnswer?.reject(new Error('endpoint closed'));
    this.pendingAnswer = undefined;
    for (const sub of this.subscriptions.values()) sub.removeSink();
    this.subscriptions.clear();
    for (const source of this.sources.values()) source.close();
    await this.pc.close();
  }

  private async negotiate(): Promise<void> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    const local = this.pc.localDescription;
    if (!local || this.closed) return;
    const sources: Record<string, SourceInfo> = {};
    for (const sub of this.subscriptions.values()) {
      if (sub.transceiver.mid !== null) {
        sources[sub.transceiver.mid] = { endpointId: sub.source.endpointId, kind: sub.source.kind };
      }
    }
    const answer = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAnswer = undefined;
        reject(new Error(`no answer from the page within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      this.pendingAnswer = {
        resolve: (sdp) => {
          clearTimeout(timer);
          resolve(sdp);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
    this.options.signal({ type: 'offer', sdp: restrictCandidates(local.sdp, this.options.mediaAddress), sources });
    const sdp = await answer;
    if (this.closed) return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    for (const transport of this.pc.dtlsTransports) {
      if (this.wiredTransports.has(transport)) continue;
      this.wiredTransports.add(transport);
      transport.onRtcp.subscribe((packet) => this.onRtcp(packet));
    }
    for (const sub of this.subscriptions.values()) sub.source.requestKeyframe();
  }

  private onTrack(track: MediaStreamTrack): void {
    const kind = track.kind as MediaKind;
    const source = this.sources.get(kind);
    // werift fires onTrack again for the same track on every renegotiation; wire each track once.
    if (!source || this.wiredTracks.has(track)) return;
    this.wiredTracks.add(track);
    const counters = this.options.counters;
    track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
      if (track.ssrc !== undefined) this.receivedSsrc.set(kind, track.ssrc);
      const size = rtp.serializeSize;
      counters.packetsReceived += 1;
      counters.bytesReceived += size;
      this.mediaReceived[kind] += 1;
      if (kind === 'video' && isVp8Keyframe(rtp)) this.keyframesReceived += 1;
      // The bridge's own senders write mid, abs-send-time and transport-cc; the sender's are dropped.
      rtp.header.extensions = [];
      rtp.header.extension = false;
      source.deliver(rtp.serialize());
    });
  }

  /**
   * Keyframe requests (PLI, FIR) from the participant for a forwarded source go to that source's
   * sender. werift's own RTCP router picks the recipient by the PLI's *sender* SSRC first, which
   * Chrome sets to one of its own outgoing streams, so the bridge routes these by media SSRC itself.
   */
  private onRtcp(packet: RtcpPacket): void {
    if (packet.type !== 206) return;
    const feedback = packet.feedback as { count: number; mediaSsrc: number; fir?: { ssrc: number }[] };
    const targets = feedback.count === 4 ? (feedback.fir ?? []).map((f) => f.ssrc) : feedback.count === 1 ? [feedback.mediaSsrc] : [];
    for (const ssrc of targets) {
      for (const sub of this.subscriptions.values()) {
        if (sub.transceiver.sender.ssrc === ssrc) sub.source.requestKeyframe();
      }
    }
  }

  private sendPli(kind: MediaKind): void {
    const ssrc = this.receivedSsrc.get(kind);
    const transceiver = this.recv.get(kind);
    if (ssrc === undefined || !transceiver || this.closed) return;
    transceiver.receiver.sendRtcpPLI(ssrc).catch((error: unknown) => {
      this.options.logger.log('debug', 'testbed: PLI failed', { endpoint: this.id, error: String(error) });
    });
  }
}

/** True for the first packet of a VP8 keyframe (RFC 7741 payload descriptor + header P bit). */
export function isVp8Keyframe(rtp: RtpPacket): boolean {
  const p = rtp.payload;
  if (p.length < 1) return false;
  const b0 = p[0] ?? 0;
  const start = (b0 & 0x10) !== 0 && (b0 & 0x07) === 0;
  if (!start) return false;
  let i = 1;
  if (b0 & 0x80) {
    const x = p[i] ?? 0;
    i += 1;
    if (x & 0x80) i += ((p[i] ?? 0) & 0x80) !== 0 ? 2 : 1;
    if (x & 0x40) i += 1;
    if (x & 0x20 || x & 0x10) i += 1;
  }
  return i < p.length && ((p[i] ?? 1) & 0x01) === 0;
}
