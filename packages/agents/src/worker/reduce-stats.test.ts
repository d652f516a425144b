import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { reduceStats, type BotStatsSample, type RtcStatLike, type StatsState } from './reduce-stats.js';

function report(...stats: RtcStatLike[]): Map<string, RtcStatLike> {
  return new Map(stats.map((s) => [s.id, s]));
}

const pair = (over: Partial<RtcStatLike> = {}): RtcStatLike => ({
  id: 'CP1',
  type: 'candidate-pair',
  state: 'succeeded',
  nominated: true,
  currentRoundTripTime: 0.012,
  remoteCandidateId: 'RC1',
  ...over,
});
const transport: RtcStatLike = { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP1' };
const remoteHost: RtcStatLike = { id: 'RC1', type: 'remote-candidate', candidateType: 'host', address: '10.1.2.3', port: 10000 };
const inVideo = (over: Partial<RtcStatLike> = {}): RtcStatLike => ({
  id: 'IV',
  type: 'inbound-rtp',
  kind: 'video',
  bytesReceived: 0,
  packetsReceived: 0,
  packetsLost: 0,
  framesDecoded: 0,
  jitter: 0.004,
  ...over,
});
const outVideo = (over: Partial<RtcStatLike> = {}): RtcStatLike => ({
  id: 'OV',
  type: 'outbound-rtp',
  kind: 'video',
  bytesSent: 0,
  framesPerSecond: 30,
  qualityLimitationReason: 'none',
  ...over,
});
const state = (over: Partial<StatsState> = {}): StatsState => ({
  atMs: 0,
  bytesSent: 0,
  bytesReceived: 0,
  packetsReceived: 0,
  packetsLost: 0,
  framesDecoded: 0,
  plis: 0,
  ...over,
});

describe('reduceStats', () => {
  const cases: Array<{ name: string; prev?: StatsState; reports: Map<string, RtcStatLike>[]; now: number; expected: Partial<BotStatsSample>; absent?: Array<keyof BotStatsSample> }> = [
    {
      name: 'first call has totals and instant values but no rates',
      reports: [report(transport, pair(), remoteHost, inVideo({ bytesReceived: 5000, framesDecoded: 40, frameHeight: 360 }), outVideo({ bytesSent: 9000 }))],
      now: 1000,
      expected: { rttMs: 12, jitterMs: 4, framesDecoded: 40, recvFrameHeight: 360, sendFps: 30, qualityLimitation: 'none', candidateType: 'host', remoteAddress: '10.1.2.3:10000' },
      absent: ['sendKbps', 'recvKbps', 'recvFps', 'packetLossRatio'],
    },
    {
      name: 'rates are byte and frame deltas over the interval',
      prev: state({ atMs: 1000, bytesSent: 9000, bytesReceived: 5000, packetsReceived: 100, framesDecoded: 40 }),
      reports: [report(transport, pair(), remoteHost, inVideo({ bytesReceived: 130_000, packetsReceived: 190, packetsLost: 10, framesDecoded: 70 }), outVideo({ bytesSent: 84_000 }))],
      now: 2000,
      expected: { recvKbps: 1000, sendKbps: 600, packetLossRatio: 0.1, recvFps: 30, framesDecoded: 70 },
    },
    {
      name: 'recvFps is averaged over inbound video streams, a stalled one counting as zero',
      prev: state({ atMs: 0, framesDecoded: 100 }),
      reports: [report(inVideo({ id: 'A', framesDecoded: 80 }), inVideo({ id: 'B', framesDecoded: 20 + 30 }))],
      now: 1000,
      expected: { recvFps: 15, framesDecoded: 130 },
    },
    {
      name: 'counters going backwards (closed connection) give no rate',
      prev: state({ atMs: 0, bytesSent: 50_000, bytesReceived: 50_000, packetsReceived: 500, framesDecoded: 300 }),
      reports: [report(inVideo({ bytesReceived: 100, packetsReceived: 1, framesDecoded: 1 }), outVideo({ bytesSent: 100 }))],
      now: 1000,
      expected: { framesDecoded: 1 },
      absent: ['sendKbps', 'recvKbps', 'recvFps', 'packetLossRatio'],
    },
    {
      name: 'without a selected pair the remote-inbound-rtp round trip is used',
      reports: [report({ id: 'RI', type: 'remote-inbound-rtp', roundTripTime: 0.05 }, { id: 'RI2', type: 'remote-inbound-rtp', roundTripTime: 0.07 })],
      now: 0,
      expected: { rttMs: 70, framesDecoded: 0 },
      absent: ['candidateType', 'remoteAddress', 'jitterMs'],
    },
    {
      name: 'selected pair without a transport (Firefox style selected flag) and relay candidate by ip',
      reports: [report(pair({ id: 'X', selected: true, nominated: false, remoteCandidateId: 'R' }), { id: 'R', type: 'remote-candidate', candidateType: 'relay', ip: '192.0.2.7' })],
      now: 0,
      expected: { candidateType: 'relay', remoteAddress: '192.0.2.7', rttMs: 12 },
    },
    {
      name: 'an IPv6 remote candidate is bracketed before its port',
      reports: [report(transport, pair(), { ...remoteHost, address: 'fd00::2', port: 52007 })],
      now: 0,
      expected: { remoteAddress: '[fd00::2]:52007' },
    },
    {
      name: 'the most severe quality limitation wins and sendFps is the top layer',
      reports: [
        report(
          outVideo({ id: 'L0', framesPerSecond: 15, qualityLimitationReason: 'bandwidth' }),
          outVideo({ id: 'L1', framesPerSecond: 30, qualityLimitationReason: 'cpu' }),
          outVideo({ id: 'L2', framesPerSecond: 7, qualityLimitationReason: 'none' }),
        ),
      ],
      now: 0,
      expected: { qualityLimitation: 'cpu', sendFps: 30 },
    },
    {
      name: 'several connections: bytes add up, rtt is the worst, audio counts toward loss and jitter',
      prev: state({ atMs: 0 }),
      reports: [
        report(transport, pair({ currentRoundTripTime: 0.01 }), remoteHost, { id: 'IA', type: 'inbound-rtp', kind: 'audio', bytesReceived: 1000, packetsReceived: 50, packetsLost: 0, jitter: 0.002 }),
        report(transport, pair({ currentRoundTripTime: 0.03 }), { ...remoteHost, candidateType: 'srflx' }, { id: 'IA', type: 'inbound-rtp', kind: 'audio', bytesReceived: 1500, packetsReceived: 45, packetsLost: 5, jitter: 0.006 }),
      ],
      now: 500,
      expected: { rttMs: 30, recvKbps: 40, packetLossRatio: 0.05, jitterMs: 4, candidateType: 'host' },
      absent: ['recvFps', 'recvFrameHeight', 'sendFps', 'qualityLimitation'],
    },
    {
      name: 'negative packetsLost (duplicates) is treated as none lost',
      prev: state({ atMs: 0 }),
      reports: [report(inVideo({ packetsReceived: 100, packetsLost: -3 }))],
      now: 1000,
      expected: { packetLossRatio: 0 },
    },
    {
      name: 'no connections: only the zero total',
      reports: [],
      now: 0,
      expected: { framesDecoded: 0 },
      absent: ['rttMs', 'jitterMs', 'recvFps', 'candidateType'],
    },
  ];

  it.each(cases)('$name', ({ prev, reports, now, expected, absent }) => {
    const { sample, state: next } = reduceStats(prev, reports, now);
    for (const [key, value] of Object.entries(expected)) {
      if (typeof value === 'number') expect(sample[key as keyof BotStatsSample], key).toBeCloseTo(value, 6);
      else expect(sample[key as keyof BotStatsSample], key).toBe(value);
    }
    for (const key of absent ?? []) expect(sample, key).not.toHaveProperty(key);
    expect(next.atMs).toBe(now);
  });

  it('carries totals into the next state', () => {
    const { state: next } = reduceStats(undefined, [report(inVideo({ bytesReceived: 7, packetsReceived: 3, packetsLost: 1, framesDecoded: 2 }), outVideo({ bytesSent: 11 }))], 42);
    expect(next).toEqual({ atMs: 42, bytesSent: 11, bytesReceived: 7, packetsReceived: 3, packetsLost: 1, framesDecoded: 2, plis: 0 });
  });

  it('is self-contained: its source alone runs in a fresh global context, as in the page', () => {
    const source = reduceStats.toString();
    const rebuilt = runInNewContext(`(${source})`) as typeof reduceStats;
    const reports = [report(transport, pair(), remoteHost, inVideo({ framesDecoded: 30, bytesReceived: 1000 }))];
    expect(rebuilt(state({ atMs: 0 }), reports, 1000)).toEqual(reduceStats(state({ atMs: 0 }), reports, 1000));
  });

  it("a lite bot's receive fps and height come from its transform's totals, not from framesDecoded", () => {
    const lite = (frames: number, passed = 0) => ({ streams: 2, untransformed: 0, frames, keyframes: 2, bytes: 9000, placeholders: frames - passed, heightSum: 180 + 360, heightCount: 2 });
    const reports = [report(transport, pair(), remoteHost, inVideo({ framesDecoded: 999, frameHeight: 720 }))];
    const first = reduceStats(undefined, reports, 0, lite(10));
    expect(first.state.liteFrames).toBe(10);
    expect(first.sample.recvFrameHeight).toBe(270);
    const second = reduceStats(first.state, reports, 2000, lite(70, 6));
    expect(second.sample.recvFps).toBeCloseTo(15, 6);
    expect(second.sample.recvFrameHeight).toBe(270);
    expect(second.sample.liteFramesPassedRatio).toBeCloseTo(6 / 60, 6);
  });

  it('counts keyframe requests (PLIs) sent per minute over inbound video', () => {
    const at = (plis: number) => [report(inVideo({ pliCount: plis }), { ...inVideo({ pliCount: 1 }), id: 'IV2' })];
    const first = reduceStats(undefined, at(2), 0);
    expect(first.state.plis).toBe(3);
    expect(reduceStats(first.state, at(5), 30_000).sample.recvPlisPerMin).toBeCloseTo(6, 6);
  });
});
