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

  constructor(
    readonly ref: ConferenceRef,
    readonly createdAt: number,
  ) {}

  /** Every source a new local endpoint should receive. */
  allSources(): MediaSource[] {
    const out: MediaSource[] = [];
    for (const ep of this.endpoints.values()) out.push(...ep.sources.values());
    for (const ep of this.relayed.values()) out.push(...ep.sources.values());
    return out;
  }

  /** Local + relayed endpoints, as JVB's `endpoints` counts them. */
  get size(): number {
    return this.endpoints.size + this.relayed.size;
  }
}
