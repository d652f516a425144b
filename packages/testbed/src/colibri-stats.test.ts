import { describe, expect, it } from 'vitest';
import { COLIBRI_STATS_2_3_63_KEYS, compareKeyTypes, parseColibriStats } from '@jlt/jitsi';
import type { BridgeStatsSnapshot } from './bridge-stats.js';
import { buildColibriStats, formatJvbTimestamp } from './colibri-stats.js';
import { zeroRates } from './traffic-counters.js';

function snapshot(relayId: string | undefined): BridgeStatsSnapshot {
  return {
    identity: { id: 'jvb-1', version: '2.3.0-jlt-testbed', region: 'all', relayId },
    gauges: {
      conferences: 1, endpoints: 3, localEndpoints: 2, relayedEndpoints: 1, largestConference: 3, conferencesWithRelay: 1,
      inactiveConferences: 0, p2pConferences: 0, inactiveEndpoints: 0, localActiveEndpoints: 2, receiveOnlyEndpoints: 0,
      endpointsSendingAudio: 2, endpointsSendingVideo: 2, endpointsWithSuspendedSources: 1, rttMs: 1.5, stress: 0.25, threads: 12,
      rates: { ...zeroRates(), bitrateDownloadBps: 812_400, bitrateUploadBps: 1_600_000, relayBitrateSendBps: 400_000 },
    },
    totals: {
      conferencesCreated: 1, conferencesCompleted: 0, conferenceSeconds: 0, endpointsCreated: 2, relaysCreated: 1, keyframesReceived: 3,
      iceSucceeded: 2, iceFailed: 0, dtlsFailed: 0, endpointsDisconnected: 0, bytesReceived: 10, bytesSent: 20, packetsReceived: 1,
      packetsSent: 2, relayBytesReceived: 3, relayBytesSent: 4, relayPacketsReceived: 5, relayPacketsSent: 6,
    },
    averageParticipantStress: 0.01,
    healthy: true,
    timestamp: Date.UTC(2026, 2, 3, 18, 30, 14, 965),
  };
}

describe('buildColibriStats', () => {
  it('serves every key of JVB 2.3.63 with its JSON type', () => {
    expect(compareKeyTypes(buildColibriStats(snapshot('jvb-1')), COLIBRI_STATS_2_3_63_KEYS)).toEqual([]);
  });

  it('uses JVB units: bit_rate_* in kbps, octo bitrates in bps', () => {
    const stats = buildColibriStats(snapshot('jvb-1'));
    expect(stats).toMatchObject({ bit_rate_download: 812, bit_rate_upload: 1600, octo_send_bitrate: 400_000, local_endpoints: 2, endpoints: 3, octo_endpoints: 1, stress_level: 0.25, endpoints_with_suspended_sources: 1 });
  });

  it('reports relay_id only when relaying, like JVB', () => {
    expect(buildColibriStats(snapshot(undefined))).not.toHaveProperty('relay_id');
    expect(buildColibriStats(snapshot('jvb-1')).relay_id).toBe('jvb-1');
  });

  it('is accepted by the @jlt/jitsi schema', () => {
    expect(() => parseColibriStats(buildColibriStats(snapshot('jvb-1')))).not.toThrow();
  });

  it('formats current_timestamp like JVB', () => {
    expect(formatJvbTimestamp(Date.UTC(2026, 2, 3, 18, 30, 14, 965))).toBe('2026-03-03 18:30:14.965');
  });
});
