import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Logger } from '@jlt/core';
import { AddReceiverSchema, type AddReceiverMessage, type ReceiverVideoConstraintsMessage } from '@jlt/jitsi';
import { maxConstraint } from './allocation.js';
import { BridgeConference, type ConferenceRef, type RelayAddress } from './bridge-conference.js';
import { createBridgeHttpServer } from './bridge-http.js';
import type { BridgeGauges, BridgeStatsSnapshot, BridgeTotals } from './bridge-stats.js';
import { LocalEndpoint, MEDIA_RECV_BUFFER_BYTES, type TransportEvent } from './local-endpoint.js';
import { MediaSource, parseMediaPacket, type MediaPacket } from './media-source.js';
import { closeServer, listen } from './net-util.js';
import { decodeRelayPacket, encodeRelayPacket, type MediaKind } from './relay-header.js';
import type { ServerMessage } from './signalling-messages.js';
import { packetRateStress } from './stress.js';
import { emptyTrafficCounters, trafficRates, zeroRates, type TrafficCounters, type TrafficRates } from './traffic-counters.js';

export const TESTBED_BRIDGE_VERSION = '2.3.0-jlt-testbed';
/** JVB `videobridge.stats.interval`. */
export const DEFAULT_STATS_INTERVAL_MS = 5_000;
export const DEFAULT_AVERAGE_PARTICIPANT_STRESS = 0.01;
/**
 * How often every receiver's layers are recomputed besides the changes that trigger it at once
 * (constraints, joins, leaves): this catches simulcast layers that start or stop (JVB reallocates on
 * layer activity too, and at least every 5 s).
 */
export const REALLOCATION_INTERVAL_MS = 500;

export interface BridgeOptions {
  /** Like JVB's resource/relay id, e.g. `jvb-1`. */
  id: string;
  /** Loopback address for this bridge's ICE candidates and relay socket, e.g. `127.0.0.2`. */
  mediaAddress: string;
  /** Address the REST server (colibri stats, debug, metrics) listens on. */
  httpHost: string;
  httpPort?: number;
  region: string;
  /** Whether this bridge relays (Octo); only then it reports a `relay_id`. */
  relay: boolean;
  statsIntervalMs: number;
  /** Packet-rate load threshold for `stress_level` (JVB's default 50 000 pps). */
  loadThresholdPps: number;
  logger: Logger;
  now?: () => number;
}

export interface EndpointAllocation {
  id: string;
  displayName: string;
  sendAudio: boolean;
  sendVideo: boolean;
  signal: (message: ServerMessage) => void;
  /** The endpoint broke (no answer, failed negotiation); the focus should expire it everywhere. */
  onFailure: (reason: string) => void;
}

/**
 * One videobridge: forwards RTP between the local endpoints of each conference, relays it to and
 * from the other bridges of a split conference, and serves JVB's REST surfaces on its own port.
 * The focus drives it in-process, the way Jicofo drives JVB over Colibri2.
 */
export class Bridge {
  readonly id: string;
  readonly mediaAddress: string;
  readonly region: string;
  readonly conferences = new Map<string, BridgeConference>();
  private readonly counters: TrafficCounters = emptyTrafficCounters();
  private readonly totals = {
    conferencesCreated: 0,
    conferencesCompleted: 0,
    conferenceSeconds: 0,
    endpointsCreated: 0,
    relaysCreated: 0,
    keyframesFromClosedEndpoints: 0,
    iceSucceeded: 0,
    iceFailed: 0,
    dtlsFailed: 0,
    endpointsDisconnected: 0,
  };
  private readonly now: () => number;
  private http: Server | undefined;
  private relaySocket: Socket | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private allocationTimer: NodeJS.Timeout | undefined;
  private lastCounters: TrafficCounters = emptyTrafficCounters();
  private lastSampleAt: number;
  private rates: TrafficRates = zeroRates();
  private rttMs = 0;
  private stress = 0;
  private restPort = 0;
  private relayPort = 0;
  private stopped = false;

  constructor(private readonly options: BridgeOptions) {
    this.id = options.id;
    this.mediaAddress = options.mediaAddress;
    this.region = options.region;
    this.now = options.now ?? Date.now;
    this.lastSampleAt = this.now();
  }

  get relayId(): string | undefined {
    return this.options.relay ? this.id : undefined;
  }

  get restUrl(): string {
    const host = this.options.httpHost.includes(':') ? `[${this.options.httpHost}]` : this.options.httpHost;
    return `http://${host}:${this.restPort}`;
  }

  get relayAddress(): RelayAddress {
    return { bridgeId: this.id, relayId: this.id, address: this.mediaAddress, port: this.relayPort };
  }

  /** Last sampled stress level (JVB `stress_level`). */
  get stressLevel(): number {
    return this.stress;
  }

  get localEndpointCount(): number {
    let n = 0;
    for (const c of this.conferences.values()) n += c.endpoints.size;
    return n;
  }

  async start(): Promise<void> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: MEDIA_RECV_BUFFER_BYTES });
    socket.on('message', (msg) => this.onRelayDatagram(msg));
    socket.on('error', (error) => this.options.logger.log('warn', 'testbed: relay socket error', { bridge: this.id, error: error.message }));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, this.mediaAddress, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.relaySocket = socket;
    this.relayPort = socket.address().port;
    this.http = createBridgeHttpServer(this);
    this.restPort = await listen(this.http, this.options.httpHost, this.options.httpPort ?? 0);
    this.statsTimer = setInterval(() => void this.sample(), this.options.statsIntervalMs);
    this.allocationTimer = setInterval(() => {
      for (const conference of this.conferences.values()) this.reallocate(conference);
    }, REALLOCATION_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.statsTimer) clearInterval(this.statsTimer);
    if (this.allocationTimer) clearInterval(this.allocationTimer);
    for (const conference of [...this.conferences.values()]) {
      for (const id of [...conference.endpoints.keys()]) await this.expireEndpoint(conference.ref.id, id);
    }
    this.conferences.clear();
    if (this.http) await closeServer(this.http);
    await new Promise<void>((resolve) => {
      if (!this.relaySocket) return resolve();
      this.relaySocket.close(() => resolve());
    });
  }

  /** Creates a local endpoint in `ref` and wires it to every source already in the conference. */
  allocateEndpoint(ref: ConferenceRef, allocation: EndpointAllocation): LocalEndpoint {
    const conference = this.getOrCreateConference(ref);
    const endpoint = new LocalEndpoint({
      id: allocation.id,
      displayName: allocation.displayName,
      sendAudio: allocation.sendAudio,
      sendVideo: allocation.sendVideo,
      mediaAddress: this.mediaAddress,
      signal: allocation.signal,
      counters: this.counters,
      logger: this.options.logger,
      onTransportEvent: (event) => this.onTransportEvent(event),
      onFailure: allocation.onFailure,
      now: this.now,
    });
    for (const source of conference.allSources()) endpoint.subscribe(source, false);
    for (const source of endpoint.sources.values()) {
      source.addSink((packet) => this.relayToOtherBridges(conference, source, packet));
      for (const other of conference.endpoints.values()) other.subscribe(source);
    }
    conference.endpoints.set(endpoint.id, endpoint);
    conference.noteEndpoint(endpoint.id);
    this.totals.endpointsCreated += 1;
    endpoint.requestNegotiation();
    this.reallocate(conference);
    return endpoint;
  }

  /** A page's `ReceiverVideoConstraints`; false when the endpoint is not on this bridge. */
  setReceiverConstraints(conferenceId: string, endpointId: string, message: ReceiverVideoConstraintsMessage): boolean {
    const conference = this.conferences.get(conferenceId);
    const endpoint = conference?.endpoints.get(endpointId);
    if (!conference || !endpoint) return false;
    endpoint.setReceiverConstraints(message);
    this.reallocate(conference);
    return true;
  }

  getEndpoint(conferenceId: string, endpointId: string): LocalEndpoint | undefined {
    return this.conferences.get(conferenceId)?.endpoints.get(endpointId);
  }

  /** Removes a local endpoint; the conference expires with its last local endpoint. */
  async expireEndpoint(conferenceId: string, endpointId: string): Promise<void> {
    const conference = this.conferences.get(conferenceId);
    const endpoint = conference?.endpoints.get(endpointId);
    if (!conference || !endpoint) return;
    conference.endpoints.delete(endpointId);
    conference.forgetEndpoint(endpointId);
    this.totals.keyframesFromClosedEndpoints += endpoint.keyframesReceived;
    for (const kind of endpoint.sources.keys()) {
      for (const other of conference.endpoints.values()) other.unsubscribe(endpointId, kind);
    }
    for (const source of endpoint.sources.values()) conference.remoteReceivers.delete(source.sourceName);
    await endpoint.close();
    if (conference.endpoints.size === 0) this.expireConference(conference);
    else this.reallocate(conference);
  }

  /** Makes an endpoint of another bridge visible here; its media arrives over the relay. */
  addRelayedEndpoint(conferenceId: string, endpointId: string, kinds: readonly MediaKind[], ownerBridgeId: string): void {
    const conference = this.conferences.get(conferenceId);
    if (!conference || conference.relayed.has(endpointId) || conference.endpoints.has(endpointId)) return;
    const sources = new Map<MediaKind, MediaSource>();
    for (const kind of kinds) {
      const source = new MediaSource(
        endpointId,
        kind,
        { type: 'relayed', bridgeId: ownerBridgeId },
        (request) => this.sendRelayKeyframeRequest(conference, ownerBridgeId, endpointId, kind, request.encoding),
        this.now,
      );
      sources.set(kind, source);
    }
    conference.relayed.set(endpointId, { bridgeId: ownerBridgeId, sources });
    conference.noteEndpoint(endpointId);
    for (const source of sources.values()) {
      for (const endpoint of conference.endpoints.values()) endpoint.subscribe(source);
    }
    this.reallocate(conference);
  }

  removeRelayedEndpoint(conferenceId: string, endpointId: string): void {
    const conference = this.conferences.get(conferenceId);
    const relayed = conference?.relayed.get(endpointId);
    if (!conference || !relayed) return;
    conference.relayed.delete(endpointId);
    conference.forgetEndpoint(endpointId);
    for (const [kind, source] of relayed.sources) {
      for (const endpoint of conference.endpoints.values()) endpoint.unsubscribe(endpointId, kind);
      conference.sentAddReceiver.delete(source.sourceName);
      source.close();
    }
    this.reallocate(conference);
  }

  /** Sets the other bridges this conference's local media is relayed to (and accepted from). */
  setRelays(conferenceId: string, relays: readonly RelayAddress[]): void {
    const conference = this.conferences.get(conferenceId);
    if (!conference) return;
    const wanted = new Map(relays.filter((r) => r.bridgeId !== this.id).map((r) => [r.bridgeId, r]));
    for (const id of [...conference.relays.keys()]) {
      if (wanted.has(id)) continue;
      conference.relays.delete(id);
      for (const byBridge of conference.remoteReceivers.values()) byBridge.delete(id);
    }
    for (const [id, relay] of wanted) {
      if (!conference.relays.has(id)) {
        this.totals.relaysCreated += 1;
        // A new relay learns what this bridge's receivers want of the sources it owns afresh.
        for (const relayed of conference.relayed.values()) {
          if (relayed.bridgeId !== id) continue;
          for (const source of relayed.sources.values()) conference.sentAddReceiver.delete(source.sourceName);
        }
      }
      conference.relays.set(id, relay);
    }
    this.reallocate(conference);
  }

  /**
   * Recomputes every local receiver's layers, then what each source's sender is asked for: local
   * senders get JVB's `SenderSourceConstraints` (the highest effective maxHeight over local receivers
   * and other bridges' `AddReceiver`), and the bridges owning relayed sources get an `AddReceiver`
   * with the highest this bridge's receivers want, when it changed.
   */
  reallocate(conference: BridgeConference): void {
    const sources = conference.videoSources();
    const wanted = new Map<string, Map<string, number>>();
    const want = (sourceName: string, receiver: string, maxHeight: number): void => {
      let byReceiver = wanted.get(sourceName);
      if (!byReceiver) wanted.set(sourceName, (byReceiver = new Map<string, number>()));
      byReceiver.set(receiver, maxHeight);
    };
    for (const endpoint of conference.endpoints.values()) {
      for (const [sourceName, maxHeight] of endpoint.reallocate(sources)) want(sourceName, endpoint.id, maxHeight);
    }
    for (const [sourceName, byBridge] of conference.remoteReceivers) for (const [bridgeId, maxHeight] of byBridge) want(sourceName, bridgeId, maxHeight);
    for (const endpoint of conference.endpoints.values()) {
      const video = endpoint.sources.get('video');
      if (video) endpoint.setReceiverConstraintsOfSource(video.sourceName, wanted.get(video.sourceName) ?? new Map<string, number>());
    }
    for (const relayed of conference.relayed.values()) {
      const video = relayed.sources.get('video');
      if (!video) continue;
      const byReceiver = wanted.get(video.sourceName);
      if (!byReceiver && !conference.sentAddReceiver.has(video.sourceName)) continue;
      const maxHeight = maxConstraint(byReceiver?.values() ?? []);
      if (conference.sentAddReceiver.get(video.sourceName) === maxHeight) continue;
      if (this.sendAddReceiver(conference, relayed.bridgeId, video, maxHeight)) conference.sentAddReceiver.set(video.sourceName, maxHeight);
    }
  }

  /**
   * The JVB `/debug` view: conferences with their local endpoints and relays. In short mode an
   * endpoint maps to its stats id; in full mode (`?full=true`, `/debug/<conference>`) to its state:
   * the constraints its receivers ask of it, its allocation and forwarded layers. `conferenceId` and
   * `endpointId` narrow it down like JVB's `/debug/{confId}/{epId}`; an unknown conference maps to
   * `"null"`, as in JVB.
   */
  debugState(options: { full?: boolean; conferenceId?: string; endpointId?: string } = {}): Record<string, unknown> {
    const conferences: Record<string, unknown> = {};
    if (options.conferenceId === undefined) {
      for (const [id, conference] of this.conferences) conferences[id] = this.conferenceDebugState(conference, options.full ?? false);
    } else {
      const conference = this.conferences.get(options.conferenceId);
      conferences[options.conferenceId] = conference ? this.conferenceDebugState(conference, options.full ?? true, options.endpointId) : 'null';
    }
    return {
      shutdown_state: 'RUNNING',
      drain: false,
      time: this.now(),
      load_management: {
        state: this.stress >= 1 ? 'OVERLOADED' : 'NOT_OVERLOADED',
        stress: String(this.stress),
        reducer_enabled: 'false',
      },
      conferences,
    };
  }

  private conferenceDebugState(conference: BridgeConference, full: boolean, endpointId?: string): Record<string, unknown> {
    const endpoints = [...conference.endpoints.values()].filter((e) => endpointId === undefined || e.id === endpointId);
    return {
      id: conference.ref.id,
      rtcstatsEnabled: false,
      name: conference.ref.name,
      meeting_id: conference.ref.meetingId,
      ...(full ? { expired: false, creation_time: conference.createdAt } : {}),
      endpoints: Object.fromEntries(endpoints.map((e) => [e.id, full ? e.debugState() : e.displayName || e.id])),
      relays: Object.fromEntries(
        [...conference.relays.values()].map((r) => [
          r.relayId,
          full ? { id: r.relayId, add_receiver: this.remoteWantsOf(conference, r.bridgeId) } : r.relayId,
        ]),
      ),
    };
  }

  /** What a relay's bridge asked of this bridge's sources (`AddReceiver`), source name → maxHeight. */
  private remoteWantsOf(conference: BridgeConference, bridgeId: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [sourceName, byBridge] of conference.remoteReceivers) {
      const h = byBridge.get(bridgeId);
      if (h !== undefined) out[sourceName] = h;
    }
    return out;
  }

  /** Recomputes gauges now (the timer does it every stats interval). */
  async sample(): Promise<void> {
    const at = this.now();
    const counters = { ...this.counters };
    this.rates = trafficRates(this.lastCounters, counters, at - this.lastSampleAt);
    this.lastCounters = counters;
    this.lastSampleAt = at;
    this.stress = packetRateStress(
      {
        endpointIn: this.rates.packetRateDownload,
        endpointOut: this.rates.packetRateUpload,
        relayIn: this.rates.relayPacketRateReceive,
        relayOut: this.rates.relayPacketRateSend,
      },
      this.options.loadThresholdPps,
    );
    const rtts: number[] = [];
    for (const conference of this.conferences.values()) {
      for (const endpoint of conference.endpoints.values()) {
        const rtt = await endpoint.roundTripTimeMs();
        if (rtt !== undefined) rtts.push(rtt);
      }
    }
    this.rttMs = rtts.length > 0 ? rtts.reduce((a, b) => a + b, 0) / rtts.length : 0;
  }

  snapshot(): BridgeStatsSnapshot {
    return {
      identity: { id: this.id, version: TESTBED_BRIDGE_VERSION, region: this.region, relayId: this.relayId },
      gauges: this.gauges(),
      totals: this.currentTotals(),
      averageParticipantStress: DEFAULT_AVERAGE_PARTICIPANT_STRESS,
      healthy: !this.stopped,
      timestamp: this.now(),
    };
  }

  private gauges(): BridgeGauges {
    const g: BridgeGauges = {
      conferences: this.conferences.size,
      endpoints: 0,
      localEndpoints: 0,
      relayedEndpoints: 0,
      largestConference: 0,
      conferencesWithRelay: 0,
      inactiveConferences: 0,
      p2pConferences: 0,
      inactiveEndpoints: 0,
      localActiveEndpoints: 0,
      receiveOnlyEndpoints: 0,
      endpointsSendingAudio: 0,
      endpointsSendingVideo: 0,
      endpointsWithSuspendedSources: 0,
      rttMs: this.rttMs,
      stress: this.stress,
      rates: this.rates,
      threads: processThreadCount(),
    };
    for (const conference of this.conferences.values()) {
      const locals = [...conference.endpoints.values()];
      g.endpoints += conference.size;
      g.localEndpoints += locals.length;
      g.relayedEndpoints += conference.relayed.size;
      g.largestConference = Math.max(g.largestConference, conference.size);
      if (conference.relays.size > 0) g.conferencesWithRelay += 1;
      const relayedSenders = [...conference.relayed.values()].some((r) => r.sources.size > 0);
      const active = relayedSenders || locals.some((e) => e.isSendingAudio || e.isSendingVideo);
      if (!active) {
        g.inactiveConferences += 1;
        g.inactiveEndpoints += conference.size;
        if (conference.size === 2) g.p2pConferences += 1;
        continue;
      }
      for (const e of locals) {
        g.localActiveEndpoints += 1;
        if (e.isSendingAudio) g.endpointsSendingAudio += 1;
        if (e.isSendingVideo) g.endpointsSendingVideo += 1;
        if (!e.isSendingAudio && !e.isSendingVideo) g.receiveOnlyEndpoints += 1;
        if (e.hasSuspendedSources) g.endpointsWithSuspendedSources += 1;
      }
    }
    return g;
  }

  private currentTotals(): BridgeTotals {
    let keyframes = this.totals.keyframesFromClosedEndpoints;
    for (const c of this.conferences.values()) for (const e of c.endpoints.values()) keyframes += e.keyframesReceived;
    return {
      conferencesCreated: this.totals.conferencesCreated,
      conferencesCompleted: this.totals.conferencesCompleted,
      conferenceSeconds: this.totals.conferenceSeconds,
      endpointsCreated: this.totals.endpointsCreated,
      relaysCreated: this.totals.relaysCreated,
      keyframesReceived: keyframes,
      iceSucceeded: this.totals.iceSucceeded,
      iceFailed: this.totals.iceFailed,
      dtlsFailed: this.totals.dtlsFailed,
      endpointsDisconnected: this.totals.endpointsDisconnected,
      bytesReceived: this.counters.bytesReceived,
      bytesSent: this.counters.bytesSent,
      packetsReceived: this.counters.packetsReceived,
      packetsSent: this.counters.packetsSent,
      relayBytesReceived: this.counters.relayBytesReceived,
      relayBytesSent: this.counters.relayBytesSent,
      relayPacketsReceived: this.counters.relayPacketsReceived,
      relayPacketsSent: this.counters.relayPacketsSent,
    };
  }

  private getOrCreateConference(ref: ConferenceRef): BridgeConference {
    let conference = this.conferences.get(ref.id);
    if (!conference) {
      conference = new BridgeConference(ref, this.now());
      this.conferences.set(ref.id, conference);
      this.totals.conferencesCreated += 1;
    }
    return conference;
  }

  private expireConference(conference: BridgeConference): void {
    for (const id of [...conference.relayed.keys()]) this.removeRelayedEndpoint(conference.ref.id, id);
    conference.relays.clear();
    this.conferences.delete(conference.ref.id);
    this.totals.conferencesCompleted += 1;
    this.totals.conferenceSeconds += (this.now() - conference.createdAt) / 1000;
  }

  private onTransportEvent(event: TransportEvent): void {
    if (event === 'ice-succeeded') this.totals.iceSucceeded += 1;
    else if (event === 'ice-failed') this.totals.iceFailed += 1;
    else if (event === 'dtls-failed') this.totals.dtlsFailed += 1;
    else this.totals.endpointsDisconnected += 1;
  }

  /** Like JVB's relays, every packet of every simulcast encoding goes to every other bridge of the conference. */
  private relayToOtherBridges(conference: BridgeConference, source: MediaSource, packet: MediaPacket): void {
    if (conference.relays.size === 0 || !this.relaySocket) return;
    const datagram = encodeRelayPacket(
      { type: 'rtp', kind: source.kind, conferenceId: conference.ref.id, endpointId: source.endpointId, encoding: packet.encoding },
      packet.rtp,
    );
    for (const relay of conference.relays.values()) {
      this.counters.relayPacketsSent += 1;
      this.counters.relayBytesSent += datagram.length;
      this.relaySocket.send(datagram, relay.port, relay.address);
    }
  }

  private sendRelayKeyframeRequest(conference: BridgeConference, ownerBridgeId: string, endpointId: string, kind: MediaKind, encoding: number | undefined): void {
    const relay = conference.relays.get(ownerBridgeId);
    if (!relay || !this.relaySocket) return;
    const datagram = encodeRelayPacket({ type: 'keyframe-request', kind, conferenceId: conference.ref.id, endpointId, encoding: encoding ?? 0 });
    this.relaySocket.send(datagram, relay.port, relay.address);
  }

  /** JVB's `AddReceiver` over the relay to the bridge that owns `source`; false when there is no relay to it yet. */
  private sendAddReceiver(conference: BridgeConference, ownerBridgeId: string, source: MediaSource, maxHeight: number): boolean {
    const relay = conference.relays.get(ownerBridgeId);
    if (!relay || !this.relaySocket) return false;
    const message: AddReceiverMessage = {
      colibriClass: 'AddReceiver',
      bridgeId: this.id,
      sourceName: source.sourceName,
      videoConstraints: { maxHeight, maxFrameRate: -1 },
    };
    const datagram = encodeRelayPacket(
      { type: 'message', kind: 'video', conferenceId: conference.ref.id, endpointId: source.endpointId, encoding: 0 },
      Buffer.from(JSON.stringify(message)),
    );
    this.relaySocket.send(datagram, relay.port, relay.address);
    return true;
  }

  private onRelayDatagram(datagram: Buffer): void {
    const packet = decodeRelayPacket(datagram);
    if (!packet) return;
    const { header } = packet;
    const conference = this.conferences.get(header.conferenceId);
    if (!conference) return;
    if (header.type === 'keyframe-request') {
      conference.endpoints.get(header.endpointId)?.sources.get(header.kind)?.requestKeyframe(header.encoding);
      return;
    }
    if (header.type === 'message') {
      this.onRelayMessage(conference, packet.payload);
      return;
    }
    const source = conference.relayed.get(header.endpointId)?.sources.get(header.kind);
    if (!source) return;
    this.counters.relayPacketsReceived += 1;
    this.counters.relayBytesReceived += datagram.length;
    const media = parseMediaPacket(packet.payload, header.kind, header.encoding);
    if (media) source.deliver(media);
  }

  /** An `AddReceiver` from another bridge of the conference about one of this bridge's sources; anything else is dropped. */
  private onRelayMessage(conference: BridgeConference, payload: Buffer): void {
    let value: unknown;
    try {
      value = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    const parsed = AddReceiverSchema.safeParse(value);
    if (!parsed.success || !conference.relays.has(parsed.data.bridgeId)) return;
    const { sourceName, bridgeId, videoConstraints } = parsed.data;
    const owned = [...conference.endpoints.values()].some((e) => e.sources.get('video')?.sourceName === sourceName);
    if (!owned) return;
    let byBridge = conference.remoteReceivers.get(sourceName);
    if (!byBridge) conference.remoteReceivers.set(sourceName, (byBridge = new Map<string, number>()));
    byBridge.set(bridgeId, videoConstraints.maxHeight);
    this.reallocate(conference);
  }
}

/** OS threads of this process (Linux `/proc/self/status`), 1 where unavailable. */
function processThreadCount(): number {
  try {
    const match = /^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match?.[1] ? Number(match[1]) : 1;
  } catch {
    return 1;
  }
}
