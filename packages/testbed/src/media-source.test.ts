import { describe, expect, it } from 'vitest';
import { MediaSource, parseMediaPacket } from './media-source.js';

function rtp(o: { ssrc: number; seq: number; payload: Buffer; padding?: number }): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80 | (o.padding ? 0x20 : 0);
  header[1] = 100;
  header.writeUInt16BE(o.seq, 2);
  header.writeUInt32BE(o.ssrc, 8);
  const padding = o.padding ? Buffer.concat([Buffer.alloc(o.padding - 1), Buffer.from([o.padding])]) : Buffer.alloc(0);
  return Buffer.concat([header, o.payload, padding]);
}

/** A VP8 keyframe start of the given height (descriptor without extensions, then the frame tag). */
function keyframe(height: number): Buffer {
  const frame = Buffer.alloc(11);
  frame[0] = 0x10;
  frame[1] = 0x10;
  frame.set([0x9d, 0x01, 0x2a], 4);
  frame.writeUInt16LE((height * 16) / 9, 7);
  frame.writeUInt16LE(height, 9);
  return frame;
}

describe('MediaSource layers', () => {
  it('measures media per encoding, learns heights from keyframes and ignores padding-only packets', () => {
    let now = 1_000_000;
    const requests: unknown[] = [];
    const source = new MediaSource('a1b2c3d4', 'video', { type: 'local' }, (r) => requests.push(r), () => now);
    expect(source.sourceName).toBe('a1b2c3d4-v0');
    expect(source.layers().map((l) => l.height)).toEqual([180, 360, 720]);
    const deliver = (buf: Buffer, encoding: number): void => {
      const packet = parseMediaPacket(buf, 'video', encoding);
      if (!packet) throw new Error('test packet did not parse');
      source.deliver(packet);
    };
    deliver(rtp({ ssrc: 11, seq: 1, payload: keyframe(90) }), 0);
    deliver(rtp({ ssrc: 22, seq: 1, payload: keyframe(180) }), 1);
    // The top stream carries only padding (a probe): it stays without media.
    for (let i = 0; i < 10; i++) deliver(rtp({ ssrc: 33, seq: i, payload: Buffer.alloc(0), padding: 200 }), 2);
    const layers = source.layers();
    expect(layers.map((l) => [l.encoding, l.height, l.ssrc])).toEqual([
      [0, 90, 11],
      [1, 180, 22],
      [2, 720, undefined],
    ]);
    expect(layers[0]?.bitrateBps).toBe((12 + 11) * 8);
    expect(layers[2]?.bitrateBps).toBe(0);
    expect(source.keyframesReceived).toBe(2);
    // A second later the window has moved on.
    now += 1_100;
    expect(source.layers().map((l) => l.bitrateBps)).toEqual([0, 0, 0]);
    expect(source.requestKeyframe(1)).toBe(true);
    expect(source.requestKeyframe(0)).toBe(false);
    expect(requests).toEqual([{ encoding: 1, ssrc: 22 }]);
  });
});
