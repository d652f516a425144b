import type { LocalEndpoint } from './local-endpoint.js';
import type { MediaSource } from './media-source.js';
import type { MediaKind } from './relay-header.js';

/** Where another bridge receives relay datagrams. */
export interface RelayAddress {
  bridgeId: string;
  /** The remote bridge's relay id (JVB `relay_id`). */
  relayId: string;
  address: string;
  port: number;
}

export interface ConferenceRef {
  /** 16 hex digits; the same id names the conference on every bridge and in relay headers. */
  id: string;
  /** `room@conference.<domain>` like the MUC JID JVB shows. */
  name: string;
  meetingId: string;
}

export interface RelayedEndpoint {
  bridgeId: string;
  sources: Map<MediaKind, MediaSource>;
}

/** A conference as one bridge sees it: its local endpoints, the endpoints relayed from other bridges, and the relays. */
export class BridgeConference {
  readonly endpoints = new Map<string, LocalEndpoint>();
  readonly relayed = new Map<string, RelayedEndpoint>();
  readonly relays = new Map<string, RelayAddress>();
  /** Endpoint ids, local and relayed, in the order this bridge learned of them: the sources' priority order. */
  private readonly order: string[] = [];
  /** What other bridges' receivers want of this bridge's sources (JVB `AddReceiver`): source name → bridge id → maxHeight. */
  readonly remoteReceivers = new Map<string, Map<string, number>>();
  /** The last `AddReceiver` maxHeight this bridge sent to a relayed source's own bridge, per source name. */
  readonly sentAddReceiver = new Map<string, number>();

  constructor(
    readonly ref: ConferenceRef,
    readonly createdAt: number,
  ) {}

  /** Records that an endpoint joined (locally or on another bridge); a known id keeps its place. */
  noteEndpoint(endpointId: string): void {
    if (!this.order.includes(endpointId)) this.order.push(endpointId);
  }

  forgetEndpoint(endpointId: string): void {
    const i = this.order.indexOf(endpointId);
    if (i >= 0) this.order.splice(i, 1);
  }

  /** Every source a new local endpoint should receive. */
  allSources(): MediaSource[] {
    const out: MediaSource[] = [];
    for (const ep of this.endpoints.values()) out.push(...ep.sources.values());
    for (const ep of this.relayed.values()) out.push(...ep.sources.values());
    return out;
  }

  /** The video sources, local and relayed, in join order. */
  videoSources(): MediaSource[] {
    return this.order.flatMap((id) => {
      const source = this.endpoints.get(id)?.sources.get('video') ?? this.relayed.get(id)?.sources.get('video');
      return source ? [source] : [];
    });
  }

  /** Local + relayed endpoints, as JVB's `endpoints` counts them. */
  get size(): number {
    return this.endpoints.size + this.relayed.size;
  }
}
