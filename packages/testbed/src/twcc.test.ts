import { describe, expect, it } from 'vitest';
import { RtcpPacketConverter, RtcpTransportLayerFeedback, TransportWideCC } from 'werift';
import { encodeTransportFeedback, TwccFeedbackGenerator } from './twcc.js';

function decode(buf: Buffer): TransportWideCC {
  const [packet] = RtcpPacketConverter.deSerialize(buf);
  expect(packet).toBeInstanceOf(RtcpTransportLayerFeedback);
  const feedback = (packet as RtcpTransportLayerFeedback).feedback;
  expect(feedback).toBeInstanceOf(TransportWideCC);
  return feedback as TransportWideCC;
}

describe('TWCC feedback', () => {
  it('encodes base sequence, count, reference time and receive deltas a TWCC parser reads back', () => {
    const base = 1_000_010_000; // µs, 10 ms past a 64 ms boundary
    const buf = encodeTransportFeedback({
      senderSsrc: 1,
      mediaSsrc: 0xdeadbeef,
      baseSequence: 65_534,
      // 65534 received, 65535 lost, 0 received 1 ms later, 1 received 70 ms later (a large delta).
      arrivalsUs: [base, undefined, base + 1_000, base + 71_000],
      feedbackCount: 7,
    });
    expect(buf.length % 4).toBe(0);
    expect(buf.readUInt16BE(2)).toBe(buf.length / 4 - 1);
    const fb = decode(buf);
    expect(fb).toMatchObject({ senderSsrc: 1, mediaSourceSsrc: 0xdeadbeef, baseSequenceNumber: 65_534, packetStatusCount: 4, fbPktCount: 7 });
    expect(fb.referenceTime).toBe(Math.floor(base / 64_000));
    // The first delta is relative to the reference time (a multiple of 64 ms); werift reads deltas back in µs.
    expect(fb.recvDeltas.map((d) => d.delta)).toEqual([10_000, 1_000, 70_000]);
  });

  it('long runs become run-length chunks', () => {
    const arrivals = Array.from({ length: 300 }, (_, i) => 5_000_000 + i * 100);
    const fb = decode(encodeTransportFeedback({ senderSsrc: 1, mediaSsrc: 2, baseSequence: 10, arrivalsUs: arrivals, feedbackCount: 0 }));
    expect(fb.packetStatusCount).toBe(300);
    expect(fb.packetChunks).toHaveLength(1);
    expect(fb.recvDeltas).toHaveLength(300);
  });

  it('the generator reports each sequence number once, across a 16-bit wrap, and late packets as lost', () => {
    let now = 64_000_000;
    const gen = new TwccFeedbackGenerator(9, () => now);
    expect(gen.takeFeedback(5)).toBeUndefined();
    for (const seq of [65_533, 65_535, 0]) {
      now += 500;
      gen.record(seq);
    }
    const first = decode(gen.takeFeedback(5) ?? Buffer.alloc(0));
    expect(first).toMatchObject({ baseSequenceNumber: 65_533, packetStatusCount: 4, fbPktCount: 0 });
    expect(first.recvDeltas).toHaveLength(3);
    now += 500;
    gen.record(65_534); // late: already reported lost
    expect(gen.takeFeedback(5)).toBeUndefined();
    gen.record(1);
    expect(decode(gen.takeFeedback(5) ?? Buffer.alloc(0))).toMatchObject({ baseSequenceNumber: 1, packetStatusCount: 1, fbPktCount: 1 });
  });

  it('reports packets the event loop held back at their network arrival: send time plus the smallest offset', () => {
    let now = 10_000_000;
    const gen = new TwccFeedbackGenerator(9, () => now);
    // abs-send-time ticks are 2^-18 s; packets sent 20 ms apart across the 64 s wrap.
    const tick = (ms: number): number => Math.round((ms / 1000) * 262_144);
    const start = (1 << 24) - tick(30);
    // Sent at 0, 20, 40, 60 ms; the first handled 1 ms later, the rest held by a busy loop until 71-73 ms.
    for (const [i, [sentMs, handledMs]] of [[0, 1], [20, 71], [40, 72], [60, 73]].entries()) {
      now = 10_000_000 + (handledMs ?? 0) * 1000;
      gen.record(100 + i, (start + tick(sentMs ?? 0)) % (1 << 24));
    }
    const fb = decode(gen.takeFeedback(5) ?? Buffer.alloc(0));
    expect(fb.recvDeltas.slice(1).map((d) => Math.round(d.delta / 1000))).toEqual([20, 20, 20]);
    // Without abs-send-time the handling time is all there is.
    gen.record(104);
    now += 5_000;
    gen.record(105);
    expect(decode(gen.takeFeedback(5) ?? Buffer.alloc(0)).recvDeltas.map((d) => d.delta).slice(1)).toEqual([5_000]);
  });
});
