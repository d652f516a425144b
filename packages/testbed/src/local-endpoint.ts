import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RTP_EXTENSION_URI,
  useAbsSendTime,
  useSdesMid,
  useSdesRTPStreamId,
  useTransportWideCC,
  type MediaStreamTrack,
  type RTCDtlsTransport,
  type RTCRtpReceiver,
  type RTCRtpTransceiver,
  type RtcpPacket,
  type RtpPacket,
} from 'werift';
import type { Logger } from '@jlt/core';
import { SIMULCAST_LAYERS, type ReceiverVideoConstraintsMessage } from '@jlt/jitsi';
import { allocate, applyReceiverConstraints, initialAllocationSettings, maxConstraint, type Allocation, type AllocationSettings } from './allocation.js';
import { endpointDebugState } from './endpoint-debug.js';
import { MediaSource, parseMediaPacket, sourceKey } from './media-source.js';
import type { MediaKind } from './relay-header.js';
import type { ServerMessage, SourceInfo } from './signalling-messages.js';
import type { TrafficCounters } from './traffic-counters.js';
import { TWCC_FEEDBACK_INTERVAL_MS, TwccFeedbackGenerator } from './twcc.js';
import { VideoForwarder } from './video-forwarder.js';

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
  now?: () => number;
}

interface Subscription {
  source: MediaSource;
  transceiver: RTCRtpTransceiver;
  removeSink: () => void;
  /** Video only: picks and rewrites this receiver's layer of the source. */
  forwarder: VideoForwarder | undefined;
}

/**
 * The payload types and header extensions the bridge offers, as Jicofo does by default: VP8 with
 * NACK, PLI, FIR and transport-cc, opus with transport-cc, and TWCC rather than REMB for bandwidth
 * feedback. Every participant uses the same payload types, so RTP forwards without rewriting them.
 * The sdes:rtp-stream-id extension lets the bridge tell the simulcast streams apart by RID; abs-send-time
 * on every stream gives the TWCC generator its send times.
 */
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
          rtcpFeedback: [{ type: 'transport-cc' }],
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
      audio: [useSdesMid(), useAbsSendTime(), useTransportWideCC()],
      video: [useSdesMid(), useSdesRTPStreamId(), useAbsSendTime(), useTransportWideCC()],
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
 * werift's receivers build their own TWCC generator unless `receiverTWCC` is already set, and then
 * only call its `handleTWCC`. A sink that ignores those calls keeps werift's generator out; the
 * endpoint feeds its own from every received packet (it needs the abs-send-time too).
 */
function disableWeriftTwcc(receiver: RTCRtpReceiver): void {
  Object.defineProperty(receiver, 'receiverTWCC', { value: { handleTWCC: () => undefined }, writable: true, configurable: true });
}

/** werift's DTLS transport sends `packet.serialize()` of each packet; an already serialized one passes through as it is. */
function serializedRtcp(bytes: Buffer): RtcpPacket {
  return { serialize: () => bytes } as unknown as RtcpPacket;
}

/**
 * Receive buffer of the bridge's UDP sockets. Node's default (the kernel's rmem_default, 208 KiB) holds
 * under a second of one sender's simulcast at most, so an event-loop stall on a contended machine made
 * the kernel drop packets (1003 drops in one layers e2e run), which GoogCC reads as loss and the
 * receivers as freezes; JVB's media sockets are sized for bursts too. Linux caps it at rmem_max.
 */
export const MEDIA_RECV_BUFFER_BYTES = 4 * 1024 * 1024;

interface WeriftIceSockets {
  iceTransports: { connection: { protocols: { transport?: { socket?: { setRecvBufferSize(size: number): void } } }[] } }[];
}

/** Sizes the receive buffers of every socket werift's ICE agent bound for this PeerConnection. */
function enlargeIceReceiveBuffers(pc: RTCPeerConnection): void {
  for (const transport of (pc as unknown as WeriftIceSockets).iceTransports) {
    for (const protocol of transport.connection.protocols) protocol.transport?.socket?.setRecvBufferSize(MEDIA_RECV_BUFFER_BYTES);
  }
}

function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/**
 * One participant's PeerConnection on a bridge. The bridge is always the offerer: it receives the
 * participant's audio and simulcast video (RIDs 1, 2, 3) on recvonly transceivers, answers with TWCC
 * feedback, and forwards every other source on its own sendonly transceiver, video through a
 * {@link VideoForwarder} that the receiver's allocation steers. Negotiations are serialized.
 */
export class LocalEndpoint {
  readonly id: string;
  readonly displayName: string;
  readonly sources = new Map<MediaKind, MediaSource>();
  private readonly pc: RTCPeerConnection;
  private readonly recv = new Map<MediaKind, RTCRtpTransceiver>();
  private readonly wiredTracks = new WeakSet<MediaStreamTrack>();
  private readonly wiredTransports = new WeakSet<RTCDtlsTransport>();
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly twcc: TwccFeedbackGenerator;
  private readonly twccTimer: NodeJS.Timeout;
  private readonly now: () => number;
  private lastMediaSsrc = 0;
  private settings: AllocationSettings = initialAllocationSettings();
  private lastAllocation: Allocation | undefined;
  private forwardedSources: string[] = [];
  /** What receivers ask of each of this endpoint's sources: source name → receiver (endpoint or bridge id) → maxHeight. */
  private readonly receiverConstraints = new Map<string, Map<string, number>>();
  /** The last `SenderSourceConstraints` maxHeight sent per source. */
  private readonly sentSenderConstraints = new Map<string, number>();
  private negotiating: Promise<void> | undefined;
  private negotiationQueued = false;
  private pendingAnswer: { resolve(sdp: string): void; reject(error: Error): void } | undefined;
  private closed = false;
  private connected = false;
  readonly mediaReceived: Record<MediaKind, number> = { audio: 0, video: 0 };

  constructor(private readonly options: LocalEndpointOptions) {
    this.id = options.id;
    this.displayName = options.displayName;
    this.now = options.now ?? Date.now;
    this.pc = new RTCPeerConnection(peerConnectionConfig(options.mediaAddress));
    // Every offer has an audio and a video section, whatever the participant sends (as Jicofo's
    // session-initiate always has both contents): an offer without any is not BUNDLEd, so a
    // receive-only page (max-bundle) that joins before any sender rejected it, never answered, and
    // was expired after ANSWER_TIMEOUT_MS with its later renegotiations queued behind that offer.
    const sends: Record<MediaKind, boolean> = { audio: options.sendAudio, video: options.sendVideo };
    let rtcpSsrc = 0;
    for (const kind of ['audio', 'video'] as const) {
      const transceiver =
        kind === 'video'
          ? this.pc.addTransceiver('video', { direction: 'recvonly', simulcast: SIMULCAST_LAYERS.map((l) => ({ rid: l.rid, direction: 'recv' as const })) })
          : this.pc.addTransceiver('audio', { direction: 'recvonly' });
      this.recv.set(kind, transceiver);
      rtcpSsrc ||= transceiver.receiver.rtcpSsrc;
      if (sends[kind]) this.sources.set(kind, new MediaSource(options.id, kind, { type: 'local' }, (request) => this.sendPli(kind, request.ssrc), this.now));
      transceiver.onTrack.subscribe((track) => this.onTrack(kind, track));
    }
    this.twcc = new TwccFeedbackGenerator(rtcpSsrc, monotonicMicros);
    for (const transceiver of this.recv.values()) disableWeriftTwcc(transceiver.receiver);
    this.twccTimer = setInterval(() => this.sendTwccFeedback(), TWCC_FEEDBACK_INTERVAL_MS);
    this.pc.onTrack.subscribe((track) => {
      if (track.kind === 'audio') this.onTrack('audio', track);
    });
    this.pc.iceConnectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        enlargeIceReceiveBuffers(this.pc);
        options.onTransportEvent('ice-succeeded');
      }
      if (state === 'failed') options.onTransportEvent('ice-failed');
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected' && !this.connected) {
        this.connected = true;
        for (const sub of this.subscriptions.values()) sub.source.requestKeyframe(sub.forwarder?.targetEncoding);
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

  get keyframesReceived(): number {
    return this.sources.get('video')?.keyframesReceived ?? 0;
  }

  get subscribedSourceKeys(): string[] {
    return [...this.subscriptions.keys()];
  }

  /** Whether the last allocation left a wanted source without any layer for lack of bandwidth. */
  get hasSuspendedSources(): boolean {
    return (this.lastAllocation?.suspended.length ?? 0) > 0;
  }

  /** Starts forwarding `source` to this participant (video only once its allocation picks a layer); renegotiates. */
  subscribe(source: MediaSource, renegotiate = true): void {
    if (this.closed || source.endpointId === this.id || this.subscriptions.has(source.key)) return;
    const transceiver = this.pc.addTransceiver(source.kind, { direction: 'sendonly' });
    const sender = transceiver.sender;
    const counters = this.options.counters;
    const forwarder = source.kind === 'video' ? new VideoForwarder() : undefined;
    const removeSink = source.addSink((packet) => {
      if (sender.dtlsTransport?.state !== 'connected') return;
      const rtp = forwarder ? forwarder.forward(packet, this.now()) : packet.rtp;
      if (!rtp) return;
      counters.packetsSent += 1;
      counters.bytesSent += rtp.length;
      sender.sendRtp(rtp).catch((error: unknown) => {
        this.options.logger.log('debug', 'testbed: forwarding RTP failed', { endpoint: this.id, error: String(error) });
      });
    });
    this.subscriptions.set(source.key, { source, transceiver, removeSink, forwarder });
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

  /** Applies the page's `ReceiverVideoConstraints`; the bridge reallocates afterwards. */
  setReceiverConstraints(message: ReceiverVideoConstraintsMessage): void {
    this.settings = applyReceiverConstraints(this.settings, message);
  }

  /**
   * Recomputes which layer of each subscribed video source this receiver gets; `sources` are the
   * conference's video sources in priority order. Requests a keyframe wherever a forwarder waits for
   * one, tells the page when the forwarded set changes, and returns the effective maxHeight per
   * source (what the senders' constraints are made of).
   */
  reallocate(sources: readonly MediaSource[]): Map<string, number> {
    const subscribed = sources.filter((s) => s.kind === 'video' && this.subscriptions.has(s.key));
    const allocation = allocate(
      subscribed.map((s) => ({ sourceName: s.sourceName, endpointId: s.endpointId, layers: s.layers() })),
      this.settings,
    );
    this.lastAllocation = allocation;
    const effective = new Map<string, number>();
    allocation.allocations.forEach((a, i) => {
      const source = subscribed[i];
      const forwarder = source ? this.subscriptions.get(source.key)?.forwarder : undefined;
      effective.set(a.sourceName, a.effectiveMaxHeight);
      if (!source || !forwarder) return;
      forwarder.setTarget(a.target?.encoding);
      if (forwarder.needsKeyframe) source.requestKeyframe(forwarder.targetEncoding);
    });
    const forwarded = allocation.allocations.filter((a) => a.target).map((a) => a.sourceName);
    if (forwarded.join() !== this.forwardedSources.join()) {
      this.forwardedSources = forwarded;
      this.options.signal({ type: 'bridge-channel', message: { colibriClass: 'ForwardedSources', forwardedSources: forwarded } });
    }
    return effective;
  }

  /**
   * Records what the receivers (`receiverId` → maxHeight, -1 unlimited) ask of this endpoint's
   * `sourceName` and sends the page a `SenderSourceConstraints` when the highest of them changed.
   */
  setReceiverConstraintsOfSource(sourceName: string, byReceiver: Map<string, number>): void {
    this.receiverConstraints.set(sourceName, byReceiver);
    const max = maxConstraint(byReceiver.values());
    if (byReceiver.size === 0 && !this.sentSenderConstraints.has(sourceName)) return;
    if (this.sentSenderConstraints.get(sourceName) === max) return;
    this.sentSenderConstraints.set(sourceName, max);
    this.options.signal({ type: 'bridge-channel', message: { colibriClass: 'SenderSourceConstraints', sourceName, maxHeight: max } });
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

  /** JVB's per-endpoint `/debug` state (full mode). */
  debugState(): Record<string, unknown> {
    const forwarders = [...this.subscriptions.values()].flatMap((s) => (s.forwarder ? [{ source: s.source, forwarder: s.forwarder }] : []));
    return endpointDebugState({
      statsId: this.displayName || this.id,
      receiverConstraints: this.receiverConstraints,
      settings: this.settings,
      allocation: this.lastAllocation,
      forwardedSources: this.forwardedSources,
      forwarders,
      ownSources: [...this.sources.values()],
      twcc: { packetsReported: this.twcc.packetsReported, feedbackSent: this.twcc.feedbackSent },
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.twccTimer);
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
        sources[sub.transceiver.mid] = { endpointId: sub.source.endpointId, kind: sub.source.kind, sourceName: sub.source.sourceName };
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
    for (const sub of this.subscriptions.values()) sub.source.requestKeyframe(sub.forwarder?.targetEncoding);
  }

  private onTrack(kind: MediaKind, track: MediaStreamTrack): void {
    const source = this.sources.get(kind);
    // werift fires onTrack again for the same track on every renegotiation; wire each track once.
    if (!source || this.wiredTracks.has(track)) return;
    this.wiredTracks.add(track);
    const encoding = kind === 'video' ? Math.max(0, SIMULCAST_LAYERS.findIndex((l) => l.rid === track.rid)) : 0;
    const counters = this.options.counters;
    track.onReceiveRtp.subscribe((rtp: RtpPacket, extensions) => {
      const transportSequenceNumber: unknown = extensions?.[RTP_EXTENSION_URI.transportWideCC];
      const absSendTime: unknown = extensions?.[RTP_EXTENSION_URI.absSendTime];
      if (typeof transportSequenceNumber === 'number') this.twcc.record(transportSequenceNumber, typeof absSendTime === 'number' ? absSendTime : undefined);
      this.lastMediaSsrc = rtp.header.ssrc;
      counters.packetsReceived += 1;
      counters.bytesReceived += rtp.serializeSize;
      this.mediaReceived[kind] += 1;
      // The bridge's own senders write mid, abs-send-time and transport-cc; the sender's are dropped.
      rtp.header.extensions = [];
      rtp.header.extension = false;
      const packet = parseMediaPacket(rtp.serialize(), kind, encoding);
      if (packet) source.deliver(packet);
    });
  }

  private sendTwccFeedback(): void {
    const transport = this.pc.dtlsTransports[0];
    if (!transport || transport.state !== 'connected') return;
    const feedback = this.twcc.takeFeedback(this.lastMediaSsrc);
    if (!feedback) return;
    transport.sendRtcp([serializedRtcp(feedback)]).catch((error: unknown) => {
      this.options.logger.log('debug', 'testbed: TWCC feedback failed', { endpoint: this.id, error: String(error) });
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
        if (sub.transceiver.sender.ssrc === ssrc) sub.source.requestKeyframe(sub.forwarder?.currentEncoding ?? sub.forwarder?.targetEncoding);
      }
    }
  }

  private sendPli(kind: MediaKind, ssrc: number | undefined): void {
    const transceiver = this.recv.get(kind);
    if (ssrc === undefined || !transceiver || this.closed) return;
    transceiver.receiver.sendRtcpPLI(ssrc).catch((error: unknown) => {
      this.options.logger.log('debug', 'testbed: PLI failed', { endpoint: this.id, error: String(error) });
    });
  }
}
