import type { MediaPacket } from './media-source.js';
import { writePictureId, writeTl0PicIdx } from './vp8.js';

/** RTP clock of video: 90 kHz, so 90 ticks per millisecond. */
const VIDEO_TICKS_PER_MS = 90;

interface LastForwarded {
  sequenceNumber: number;
  timestamp: number;
  pictureId: number | undefined;
  tl0PicIdx: number | undefined;
  at: number;
}

/** True when 16-bit sequence number `a` comes before `b`. */
function seqBefore(a: number, b: number): boolean {
  const d = (a - b) & 0xffff;
  return d !== 0 && d >= 0x8000;
}

/**
 * One receiver's view of one simulcast camera source, after JVB's `VP8AdaptiveSourceProjectionContext`:
 * forwards the packets of one encoding, switches to the target encoding only at a keyframe of it, and
 * rewrites sequence numbers, timestamps, VP8 picture ids and TL0PICIDX so the receiver sees one
 * continuous stream (its sender gives it a single SSRC). At a switch the sequence number, picture id
 * and TL0PICIDX go on by one and the timestamp by the wall-clock time since the last forwarded packet.
 */
export class VideoForwarder {
  private current: number | undefined;
  private target: number | undefined;
  private switchSequence: number | undefined;
  private seqOffset = 0;
  private tsOffset = 0;
  private pictureIdOffset = 0;
  private tl0Offset = 0;
  private last: LastForwarded | undefined;
  packetsForwarded = 0;
  layerSwitches = 0;

  get targetEncoding(): number | undefined {
    return this.target;
  }

  get currentEncoding(): number | undefined {
    return this.current;
  }

  /** Whether the forwarder waits for a keyframe of its target before it can forward it. */
  get needsKeyframe(): boolean {
    return this.target !== undefined && this.current !== this.target;
  }

  /**
   * Sets the encoding to forward (undefined: forward nothing). Returns true when the caller should
   * request a keyframe for it, because the switch happens only at one.
   */
  setTarget(encoding: number | undefined): boolean {
    if (encoding === this.target) return false;
    this.target = encoding;
    if (encoding === undefined) {
      this.current = undefined;
      return false;
    }
    return encoding !== this.current;
  }

  /** The packet as this receiver gets it (a rewritten copy), or undefined when it is not forwarded. */
  forward(packet: MediaPacket, now: number): Buffer | undefined {
    if (this.target === undefined) return undefined;
    if (packet.encoding !== this.current) {
      if (packet.encoding !== this.target || packet.vp8?.keyframe !== true) return undefined;
      this.switchTo(packet, now);
    } else if (this.switchSequence !== undefined && seqBefore(packet.sequenceNumber, this.switchSequence)) {
      return undefined;
    }
    const out = Buffer.from(packet.rtp);
    const sequenceNumber = (packet.sequenceNumber + this.seqOffset) & 0xffff;
    const timestamp = (packet.timestamp + this.tsOffset) >>> 0;
    out.writeUInt16BE(sequenceNumber, 2);
    out.writeUInt32BE(timestamp, 4);
    const vp8 = packet.vp8;
    let pictureId: number | undefined;
    let tl0PicIdx: number | undefined;
    if (vp8) {
      const payload = out.subarray(packet.payloadOffset, packet.payloadOffset + packet.payloadLength);
      if (vp8.pictureId !== undefined) {
        pictureId = (vp8.pictureId + this.pictureIdOffset) & 0x7fff;
        writePictureId(payload, vp8, pictureId);
      }
      if (vp8.tl0PicIdx !== undefined) {
        tl0PicIdx = (vp8.tl0PicIdx + this.tl0Offset) & 0xff;
        writeTl0PicIdx(payload, vp8, tl0PicIdx);
      }
    }
    const last = this.last;
    if (!last || !seqBefore(sequenceNumber, last.sequenceNumber)) {
      this.last = {
        sequenceNumber,
        timestamp,
        pictureId: pictureId ?? last?.pictureId,
        tl0PicIdx: tl0PicIdx ?? last?.tl0PicIdx,
        at: now,
      };
    }
    this.packetsForwarded += 1;
    return out;
  }

  private switchTo(packet: MediaPacket, now: number): void {
    const last = this.last;
    if (this.current !== undefined) this.layerSwitches += 1;
    this.current = packet.encoding;
    this.switchSequence = packet.sequenceNumber;
    if (!last) return;
    this.seqOffset = (last.sequenceNumber + 1 - packet.sequenceNumber) & 0xffff;
    const elapsedTicks = Math.max(1, Math.round((now - last.at) * VIDEO_TICKS_PER_MS));
    this.tsOffset = (last.timestamp + elapsedTicks - packet.timestamp) >>> 0;
    const vp8 = packet.vp8;
    if (vp8?.pictureId !== undefined && last.pictureId !== undefined) this.pictureIdOffset = (last.pictureId + 1 - vp8.pictureId) & 0x7fff;
    if (vp8?.tl0PicIdx !== undefined && last.tl0PicIdx !== undefined) this.tl0Offset = (last.tl0PicIdx + 1 - vp8.tl0PicIdx) & 0xff;
  }
}
