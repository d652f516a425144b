/** Monotonic RTP traffic counters of one bridge, split into endpoint traffic and relay traffic. */
export interface TrafficCounters {
  bytesReceived: number;
  packetsReceived: number;
  bytesSent: number;
  packetsSent: number;
  relayBytesReceived: number;
  relayPacketsReceived: number;
  relayBytesSent: number;
  relayPacketsSent: number;
}

export function emptyTrafficCounters(): TrafficCounters {
  return {
    bytesReceived: 0,
    packetsReceived: 0,
    bytesSent: 0,
    packetsSent: 0,
    relayBytesReceived: 0,
    relayPacketsReceived: 0,
    relayBytesSent: 0,
    relayPacketsSent: 0,
  };
}

/** Rates over one sampling period: bits per second and packets per second. */
export interface TrafficRates {
  bitrateDownloadBps: number;
  bitrateUploadBps: number;
  packetRateDownload: number;
  packetRateUpload: number;
  relayBitrateReceiveBps: number;
  relayBitrateSendBps: number;
  relayPacketRateReceive: number;
  relayPacketRateSend: number;
}

export function zeroRates(): TrafficRates {
  return {
    bitrateDownloadBps: 0,
    bitrateUploadBps: 0,
    packetRateDownload: 0,
    packetRateUpload: 0,
    relayBitrateReceiveBps: 0,
    relayBitrateSendBps: 0,
    relayPacketRateReceive: 0,
    relayPacketRateSend: 0,
  };
}

/** Rates between two counter snapshots taken `elapsedMs` apart; zero rates for a non-positive period. */
export function trafficRates(before: TrafficCounters, after: TrafficCounters, elapsedMs: number): TrafficRates {
  if (!(elapsedMs > 0)) return zeroRates();
  const perSecond = (a: number, b: number): number => ((b - a) * 1000) / elapsedMs;
  return {
    bitrateDownloadBps: perSecond(before.bytesReceived, after.bytesReceived) * 8,
    bitrateUploadBps: perSecond(before.bytesSent, after.bytesSent) * 8,
    packetRateDownload: perSecond(before.packetsReceived, after.packetsReceived),
    packetRateUpload: perSecond(before.packetsSent, after.packetsSent),
    relayBitrateReceiveBps: perSecond(before.relayBytesReceived, after.relayBytesReceived) * 8,
    relayBitrateSendBps: perSecond(before.relayBytesSent, after.relayBytesSent) * 8,
    relayPacketRateReceive: perSecond(before.relayPacketsReceived, after.relayPacketsReceived),
    relayPacketRateSend: perSecond(before.relayPacketsSent, after.relayPacketsSent),
  };
}
