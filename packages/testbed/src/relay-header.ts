import { CONFERENCE_ID_PATTERN, ENDPOINT_ID_PATTERN } from './ids.js';

/**
 * The bridge-to-bridge relay datagram, modelled on Octo: a fixed 16-byte header naming the
 * conference and the source endpoint, followed by one RTP packet (type `rtp`), nothing (type
 * `keyframe-request`, sent towards the bridge that owns the source) or one JSON bridge-channel
 * message (type `message`, e.g. JVB's `AddReceiver`). `encoding` is the simulcast encoding an RTP
 * packet belongs to or a keyframe request asks for (0 = lowest; 0 for audio and messages).
 *
 * ```
 *  0        1        2        3
 * +--------+--------+--------+--------+
 * |ver|type|  kind  |encoding|reserved|
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

export type RelayPacketType = 'rtp' | 'keyframe-request' | 'message';
export type MediaKind = 'audio' | 'video';

export interface RelayHeader {
  type: RelayPacketType;
  kind: MediaKind;
  conferenceId: string;
  endpointId: string;
  /** Simulcast encoding, 0..{@link MAX_RELAY_ENCODING}. */
  encoding: number;
}

/** Highest simulcast encoding index a relay datagram can name. */
export const MAX_RELAY_ENCODING = 15;
/** Largest `message` payload (a bridge-channel message is small JSON). */
export const MAX_RELAY_MESSAGE_BYTES = 4096;

export interface RelayPacket {
  header: RelayHeader;
  payload: Buffer;
}

const typeCodes: Record<RelayPacketType, number> = { rtp: 1, 'keyframe-request': 2, message: 3 };
const kindCodes: Record<MediaKind, number> = { audio: 0, video: 1 };

export function encodeRelayPacket(header: RelayHeader, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (!CONFERENCE_ID_PATTERN.test(header.conferenceId)) {
    throw new RangeError(`relay conference id must be 16 hex digits (got "${header.conferenceId}")`);
  }
  if (!ENDPOINT_ID_PATTERN.test(header.endpointId)) {
    throw new RangeError(`relay endpoint id must be 8 hex digits (got "${header.endpointId}")`);
  }
  if (!Number.isInteger(header.encoding) || header.encoding < 0 || header.encoding > MAX_RELAY_ENCODING) {
    throw new RangeError(`relay encoding must be an integer from 0 to ${MAX_RELAY_ENCODING} (got ${header.encoding})`);
  }
  const out = Buffer.alloc(RELAY_HEADER_BYTES + payload.length);
  out.writeUInt8((RELAY_VERSION << 4) | typeCodes[header.type], 0);
  out.writeUInt8(kindCodes[header.kind], 1);
  out.writeUInt8(header.encoding, 2);
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
  const encoding = datagram.readUInt8(2);
  if (!type || !kind || encoding > MAX_RELAY_ENCODING || datagram.readUInt8(3) !== 0) return undefined;
  const payload = datagram.subarray(RELAY_HEADER_BYTES);
  if (type === 'rtp' && payload.length < 12) return undefined;
  if (type === 'keyframe-request' && payload.length !== 0) return undefined;
  if (type === 'message' && (payload.length === 0 || payload.length > MAX_RELAY_MESSAGE_BYTES)) return undefined;
  return {
    header: {
      type,
      kind,
      conferenceId: datagram.toString('hex', 4, 12),
      endpointId: datagram.toString('hex', 12, 16),
      encoding,
    },
    payload,
  };
}
