/**
 * The parts of a VP8 RTP payload (RFC 7741) a forwarding bridge reads and rewrites: the payload
 * descriptor's picture id, TL0PICIDX and temporal layer, whether a packet starts a frame or a
 * keyframe, and a keyframe's frame size (RFC 6386 9.1), which is how JVB learns each simulcast
 * stream's real height (`Vp8Parser`).
 *
 * ```
 *  |X|R|N|S|R| PID |   X: extension present, S: start of partition, PID: partition index
 *  |I|L|T|K| RSV   |   I: picture id, L: TL0PICIDX, T: TID, K: KEYIDX present
 *  |M| PictureID   |   M: 15-bit picture id (two bytes)
 *  |   TL0PICIDX   |
 *  |TID|Y| KEYIDX  |
 * ```
 */
export interface Vp8Descriptor {
  /** First packet of a frame (S set, partition 0). */
  frameStart: boolean;
  /** First packet of a keyframe. */
  keyframe: boolean;
  pictureId?: number;
  /** 7 or 15. */
  pictureIdBits?: number;
  /** Byte offset of the picture id in the payload. */
  pictureIdOffset?: number;
  tl0PicIdx?: number;
  tl0PicIdxOffset?: number;
  temporalLayer?: number;
  /** Frame size from a keyframe's header. */
  width?: number;
  height?: number;
}

/** Parses the descriptor (and a keyframe's size); undefined for a payload too short to hold one. */
export function parseVp8Payload(payload: Buffer): Vp8Descriptor | undefined {
  if (payload.length < 1) return undefined;
  const b0 = payload[0] ?? 0;
  const d: Vp8Descriptor = { frameStart: (b0 & 0x10) !== 0 && (b0 & 0x07) === 0, keyframe: false };
  let at = 1;
  if (b0 & 0x80) {
    if (payload.length < 2) return undefined;
    const x = payload[at++] ?? 0;
    if (x & 0x80) {
      if (payload.length < at + 1) return undefined;
      d.pictureIdOffset = at;
      if ((payload[at] ?? 0) & 0x80) {
        if (payload.length < at + 2) return undefined;
        d.pictureId = payload.readUInt16BE(at) & 0x7fff;
        d.pictureIdBits = 15;
        at += 2;
      } else {
        d.pictureId = (payload[at] ?? 0) & 0x7f;
        d.pictureIdBits = 7;
        at += 1;
      }
    }
    if (x & 0x40) {
      if (payload.length < at + 1) return undefined;
      d.tl0PicIdxOffset = at;
      d.tl0PicIdx = payload[at] ?? 0;
      at += 1;
    }
    if (x & 0x30) {
      if (payload.length < at + 1) return undefined;
      if (x & 0x20) d.temporalLayer = ((payload[at] ?? 0) >> 6) & 0x03;
      at += 1;
    }
  }
  if (d.frameStart && at < payload.length) {
    // VP8 frame tag: bit 0 of the first byte is the inverse keyframe flag.
    d.keyframe = ((payload[at] ?? 1) & 0x01) === 0;
    if (d.keyframe && payload.length >= at + 10 && payload[at + 3] === 0x9d && payload[at + 4] === 0x01 && payload[at + 5] === 0x2a) {
      d.width = payload.readUInt16LE(at + 6) & 0x3fff;
      d.height = payload.readUInt16LE(at + 8) & 0x3fff;
    }
  }
  return d;
}

/** Writes a picture id (taken modulo the field's width) over the one the descriptor found. */
export function writePictureId(payload: Buffer, d: Vp8Descriptor, pictureId: number): void {
  if (d.pictureIdOffset === undefined) return;
  if (d.pictureIdBits === 15) payload.writeUInt16BE(0x8000 | (pictureId & 0x7fff), d.pictureIdOffset);
  else payload[d.pictureIdOffset] = pictureId & 0x7f;
}

export function writeTl0PicIdx(payload: Buffer, d: Vp8Descriptor, value: number): void {
  if (d.tl0PicIdxOffset !== undefined) payload[d.tl0PicIdxOffset] = value & 0xff;
}
