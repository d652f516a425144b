import { describe, expect, it } from 'vitest';
import { METRICS } from '@jlt/core';
import { reduceStats, type RtcStatLike } from './reduce-stats.js';
import { addressHost, botStatsToSamples } from './stats-samples.js';

describe('botStatsToSamples', () => {
  const tags = { scenario: 's', agent: 'a1', conference: 'c1', bridge: '10.0.0.1' };
  it('emits one sample per measured field with METRICS names, tags and bot meta', () => {
    const samples = botStatsToSamples(
      { rttMs: 12, recvKbps: 800, recvFps: 29.5, framesDecoded: 100, qualityLimitation: 'bandwidth', candidateType: 'host', remoteAddress: '10.0.0.1:10000' },
      5000,
      tags,
      { bot: 'c01-p01' },
    );
    expect(samples.map((s) => [s.metric, s.value])).toEqual([
      ['webrtc_rtt_ms', 12],
      ['webrtc_recv_kbps', 800],
      ['webrtc_recv_fps', 29.5],
      ['webrtc_quality_limitation', 1],
      ['webrtc_ice_candidate_type', 1],
    ]);
    for (const s of samples) {
      expect(Object.keys(METRICS)).toContain(s.metric);
      expect(s.time).toBe(5000);
      expect(s.meta).toEqual({ bot: 'c01-p01' });
      expect(s.tags).toMatchObject(tags);
    }
    expect(samples[3]?.tags.reason).toBe('bandwidth');
    expect(samples[4]?.tags.candidate).toBe('host');
  });
  it('skips non-finite values', () => {
    expect(botStatsToSamples({ rttMs: Number.NaN, framesDecoded: 0 }, 0, tags, {})).toEqual([]);
  });
});

describe('addressHost', () => {
  it.each([
    ['10.1.2.3:10000', '10.1.2.3'],
    ['10.1.2.3', '10.1.2.3'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
  ])('%s → %s', (input, host) => {
    expect(addressHost(input)).toBe(host);
  });
});

describe('bridge tag from the remote candidate', () => {
  // Three bots on one IPv6 bridge, each with its own port: one bridge, not one per port.
  it('names one bridge for bots that reach one IPv6 address on different ports', () => {
    const hosts = [52007, 52011, 41000].map((port) => {
      const stats: RtcStatLike[] = [
        { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
        { id: 'P', type: 'candidate-pair', state: 'succeeded', nominated: true, remoteCandidateId: 'R' },
        { id: 'R', type: 'remote-candidate', candidateType: 'host', address: 'fd00::2', port },
      ];
      const { sample } = reduceStats(undefined, [new Map(stats.map((s) => [s.id, s]))], 0);
      return addressHost(sample.remoteAddress ?? '');
    });
    expect(hosts).toEqual(['fd00::2', 'fd00::2', 'fd00::2']);
  });
});
