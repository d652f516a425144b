import type { TrafficRates } from './traffic-counters.js';

/** Gauges of one bridge, recomputed every stats interval like JVB's `VideobridgePeriodicMetrics`. */
export interface BridgeGauges {
  conferences: number;
  /** Local + relayed endpoints over all conferences. */
  endpoints: number;
  localEndpoints: number;
  relayedEndpoints: number;
  largestConference: number;
  conferencesWithRelay: number;
  inactiveConferences: number;
  p2pConferences: number;
  inactiveEndpoints: number;
  localActiveEndpoints: number;
  receiveOnlyEndpoints: number;
  endpointsSendingAudio: number;
  endpointsSendingVideo: number;
  /** Local endpoints whose allocation left a wanted source without a layer (JVB: suspended for bandwidth). */
  endpointsWithSuspendedSources: number;
  rttMs: number;
  stress: number;
  rates: TrafficRates;
  threads: number;
}

/** Counters of one bridge since it started (JVB `total_*`). */
export interface BridgeTotals {
  conferencesCreated: number;
  conferencesCompleted: number;
  conferenceSeconds: number;
  endpointsCreated: number;
  relaysCreated: number;
  keyframesReceived: number;
  iceSucceeded: number;
  iceFailed: number;
  dtlsFailed: number;
  endpointsDisconnected: number;
  bytesReceived: number;
  bytesSent: number;
  packetsReceived: number;
  packetsSent: number;
  relayBytesReceived: number;
  relayBytesSent: number;
  relayPacketsReceived: number;
  relayPacketsSent: number;
}

export interface BridgeIdentity {
  id: string;
  version: string;
  region: string;
  /** Set when the bridge relays (Octo); JVB only reports `relay_id` then. */
  relayId: string | undefined;
}

export interface BridgeStatsSnapshot {
  identity: BridgeIdentity;
  gauges: BridgeGauges;
  totals: BridgeTotals;
  averageParticipantStress: number;
  healthy: boolean;
  /** Wall-clock ms when the snapshot was taken. */
  timestamp: number;
}
