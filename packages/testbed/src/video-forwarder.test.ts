import { describe, expect, it } from 'vitest';
import { parseMediaPacket, type MediaPacket } from './media-source.js';
import { VideoForwarder } from './video-forwarder.js';
import { parseVp8Payload } from './vp8.js';

/** A VP8 RTP packet as Chromium sends simulcast: 15-bit picture id, TL0PICIDX and TID. */
function vp8Packet(o: { encoding: number; seq: number; ts: number; pictureId: number; tl0: number; keyframe?: boolean; start?: boolean; height?: number }): MediaPacket {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = 100;
  header.writeUInt16BE(o.seq & 0xffff, 2);
  header.writeUInt32BE(o.ts >>> 0, 4);
  header.writeUInt32BE(1000 + o.encoding, 8);
  const start = o.start ?? true;
  const descriptor = Buffer.from([0x80 | (start ? 0x10 : 0), 0xe0, 0x80 | ((o.pictureId >> 8) & 0x7f), o.pictureId & 0xff, o.tl0 & 0xff, 0x00]);
  const frame = Buffer.alloc(10);
  frame[0] = o.keyframe ? 0x10 : 0x11;
  frame.set([0x9d, 0x01, 0x2a], 3);
  frame.writeUInt16LE(((o.height ?? 180) * 16) / 9, 6);
  frame.writeUInt16LE(o.height ?? 180, 8);
  const packet = parseMediaPacket(Buffer.concat([header, descriptor, frame]), 'video', o.encoding);
  if (!packet) throw new Error('test packet did not parse');
  return packet;
}

function read(buf: Buffer | undefined): { seq: number; ts: number; pictureId?: number; tl0?: number } {
  if (!buf) throw new Error('packet was dropped');
  const d = parseVp8Payload(buf.subarray(12));
  return { seq: buf.readUInt16BE(2), ts: buf.readUInt32BE(4), ...(d?.pictureId === undefined ? {} : { pictureId: d.pictureId }), ...(d?.tl0PicIdx === undefined ? {} : { tl0: d.tl0PicIdx }) };
}

describe('VP8 simulcast forwarding', () => {
  it('parses the descriptor and a keyframe size', () => {
    expect(vp8Packet({ encoding: 2, seq: 1, ts: 1, pictureId: 300, tl0: 7, keyframe: true, height: 720 }).vp8).toMatchObject({
      frameStart: true,
      keyframe: true,
      pictureId: 300,
      pictureIdBits: 15,
      tl0PicIdx: 7,
      temporalLayer: 0,
      width: 1280,
      height: 720,
    });
    expect(vp8Packet({ encoding: 0, seq: 1, ts: 1, pictureId: 1, tl0: 1, start: false }).vp8).toMatchObject({ frameStart: false, keyframe: false });
  });

  it('starts only at a keyframe of the target, then switches at the next keyframe of the new target with continuous numbering', () => {
    const f = new VideoForwarder();
    expect(f.setTarget(2)).toBe(true);
    expect(f.forward(vp8Packet({ encoding: 2, seq: 500, ts: 9000, pictureId: 40, tl0: 3 }), 0)).toBeUndefined();
    expect(f.forward(vp8Packet({ encoding: 0, seq: 70, ts: 9000, pictureId: 900, tl0: 9, keyframe: true }), 0)).toBeUndefined();
    const first = read(f.forward(vp8Packet({ encoding: 2, seq: 501, ts: 12_000, pictureId: 41, tl0: 4, keyframe: true }), 0));
    expect(first).toEqual({ seq: 501, ts: 12_000, pictureId: 41, tl0: 4 });
    expect(read(f.forward(vp8Packet({ encoding: 2, seq: 502, ts: 15_000, pictureId: 42, tl0: 5 }), 33))).toEqual({ seq: 502, ts: 15_000, pictureId: 42, tl0: 5 });
    expect(f.needsKeyframe).toBe(false);

    // Down to encoding 0: the old layer keeps flowing until the new one's keyframe.
    expect(f.setTarget(0)).toBe(true);
    expect(f.setTarget(0)).toBe(false);
    expect(f.needsKeyframe).toBe(true);
    expect(f.forward(vp8Packet({ encoding: 0, seq: 71, ts: 15_000, pictureId: 901, tl0: 10 }), 40)).toBeUndefined();
    expect(read(f.forward(vp8Packet({ encoding: 2, seq: 503, ts: 18_000, pictureId: 43, tl0: 6 }), 66))).toMatchObject({ seq: 503 });
    const switched = read(f.forward(vp8Packet({ encoding: 0, seq: 72, ts: 21_000, pictureId: 902, tl0: 11, keyframe: true }), 100));
    // +1 sequence number, +1 picture id and TL0PICIDX, timestamp advanced by the 34 ms since the last packet.
    expect(switched).toEqual({ seq: 504, ts: 18_000 + 34 * 90, pictureId: 44, tl0: 7 });
    expect(read(f.forward(vp8Packet({ encoding: 0, seq: 73, ts: 24_000, pictureId: 903, tl0: 12 }), 133))).toEqual({ seq: 505, ts: 18_000 + 34 * 90 + 3000, pictureId: 45, tl0: 8 });
    // The old layer and packets older than the switch are dropped.
    expect(f.forward(vp8Packet({ encoding: 2, seq: 504, ts: 21_000, pictureId: 44, tl0: 7 }), 140)).toBeUndefined();
    expect(f.forward(vp8Packet({ encoding: 0, seq: 71, ts: 15_000, pictureId: 901, tl0: 10 }), 140)).toBeUndefined();
    expect(f).toMatchObject({ currentEncoding: 0, targetEncoding: 0, layerSwitches: 1 });
  });

  it('sequence numbers and picture ids wrap; a suspended source forwards nothing and resumes at a keyframe', () => {
    const f = new VideoForwarder();
    f.setTarget(1);
    read(f.forward(vp8Packet({ encoding: 1, seq: 65_535, ts: 0xffff_f000, pictureId: 0x7fff, tl0: 255, keyframe: true }), 0));
    expect(read(f.forward(vp8Packet({ encoding: 1, seq: 0, ts: 0x0000_0bb8, pictureId: 0, tl0: 0 }), 33))).toEqual({ seq: 0, ts: 0xbb8, pictureId: 0, tl0: 0 });
    expect(f.setTarget(undefined)).toBe(false);
    expect(f.forward(vp8Packet({ encoding: 1, seq: 1, ts: 6000, pictureId: 1, tl0: 1, keyframe: true }), 66)).toBeUndefined();
    expect(f.setTarget(1)).toBe(true);
    expect(read(f.forward(vp8Packet({ encoding: 1, seq: 9, ts: 30_000, pictureId: 9, tl0: 9, keyframe: true }), 1033))).toEqual({ seq: 1, ts: 0xbb8 + 1000 * 90, pictureId: 1, tl0: 1 });
  });
});
