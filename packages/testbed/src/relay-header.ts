import { CONFERENCE_ID_PATTERN, ENDPOINT_ID_PATTERN } from './ids.js';

/**
 * The bridge-to-bridge relay datagram, modelled on Octo: a fixed 16-byte header naming the
 * conference and the source endpoint, followed by one RTP packet (type `rtp`) or nothing (type
 * `keyframe-request`, sent towards the bridge that owns the source).
 *
 * ```
 *  0        1        2        3
 * +--------+--------+--------+--------+
 * |ver|type|  kind  |    reserved     |
 * +--------+--------+--------+--------+
 * |    conference id (8 bytes, the    |
 * |    16 hex digits of the id)       |
 * +--------+--------+--------+--------+
 * |   source endpoint id (4 bytes)    |
 * +--------+--------+--------+--------+
 * |   RTP packet ...                  |
 * ```
 */
export const RELAY_HEADER_BYTES = 16;
export const RELAY_VERSION = 1;

export type RelayPacketType = 'rtp' | 'keyframe-request';
export type MediaKind = 'audio' | 'video';

export interface RelayHeader {
  type: RelayPacketType;
  kind: MediaKind;
  conferenceId: string;
  endpointId: string;
}

export interface RelayPacket {
  header: RelayHeader;
  payload: Buffer;
}

const typeCodes: Record<RelayPacketType, number> = { rtp: 1, 'keyframe-request': 2 };
const kindCodes: Record<MediaKind, number> = { audio: 0, video: 1 };

export function encodeRelayPacket(header: RelayHeader, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (!CONFERENCE_ID_PATTERN.test(header.conferenceId)) {
    throw new RangeError(`relay conference id must be 16 hex digits (got "${header.conferenceId}")`);
  }
  if (!ENDPOINT_ID_PATTERN.test(header.endpointId)) {
    throw new RangeError(`relay endpoint id must be 8 hex digits (got "${header.endpointId}")`);
  }
  const out = Buffer.alloc(RELAY_HEADER_BYTES + payload.length);
  out.writeUInt8((RELAY_VERSION << 4) | typeCodes[header.type], 0);
  out.writeUInt8(kindCodes[header.kind], 1);
  out.write(header.conferenceId, 4, 8, 'hex');
  out.write(header.endpointId, 12, 4, 'hex');
  payload.copy(out, RELAY_HEADER_BYTES);
  return out;
}

/** Decodes a relay datagram; returns undefined for anything malformed (never throws). */
export function decodeRelayPacket(datagram: Buffer): RelayPacket | undefined {
  if (datagram.length < RELAY_HEADER_BYTES) return undefined;
  const first = datagram.readUInt8(0);
  if (first >> 4 !== RELAY_VERSION) return undefined;
  const typeCode = first & 0x0f;
  const type = (Object.keys(typeCodes) as RelayPacketType[]).find((t) => typeCodes[t] === typeCode);
  const kindCode = datagram.readUInt8(1);
  const kind = (Object.keys(kindCodes) as MediaKind[]).find((k) => kindCodes[k] === kindCode);
  if (!type || !kind || datagram.readUInt16BE(2) !== 0) return undefined;
  const payload = datagram.subarray(RELAY_HEADER_BYTES);
  if (type === 'rtp' && payload.length < 12) return undefined;
  if (type === 'keyframe-request' && payload.length !== 0) return undefined;
  return {
    header: {
      type,
      kind,
      conferenceId: datagram.toString('hex', 4, 12),
      endpointId: datagram.toString('hex', 12, 16),
    },
    payload,
  };
}
