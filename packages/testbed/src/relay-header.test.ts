import { describe, expect, it } from 'vitest';
import { RELAY_HEADER_BYTES, decodeRelayPacket, encodeRelayPacket, type RelayHeader } from './relay-header.js';

const rtp = Buffer.from('80640001000000010000abcd' + 'deadbeef', 'hex');

describe('relay header codec', () => {
  it.each<[RelayHeader, Buffer]>([
    [{ type: 'rtp', kind: 'video', conferenceId: '0123456789abcdef', endpointId: 'a1b2c3d4', encoding: 2 }, rtp],
    [{ type: 'rtp', kind: 'audio', conferenceId: 'ffffffffffffffff', endpointId: '00000000', encoding: 0 }, rtp],
    [{ type: 'keyframe-request', kind: 'video', conferenceId: 'fb638965a1a21809', endpointId: '47d1af4b', encoding: 1 }, Buffer.alloc(0)],
    [{ type: 'message', kind: 'video', conferenceId: 'fb638965a1a21809', endpointId: '47d1af4b', encoding: 0 }, Buffer.from('{"colibriClass":"AddReceiver"}')],
  ])('round-trips %j', (header, payload) => {
    const datagram = encodeRelayPacket(header, payload);
    expect(datagram.length).toBe(RELAY_HEADER_BYTES + payload.length);
    const decoded = decodeRelayPacket(datagram);
    expect(decoded?.header).toEqual(header);
    expect(decoded?.payload.equals(payload)).toBe(true);
  });

  it('puts the ids in fixed places', () => {
    const datagram = encodeRelayPacket({ type: 'rtp', kind: 'video', conferenceId: '0123456789abcdef', endpointId: 'a1b2c3d4', encoding: 2 }, rtp);
    expect(datagram.subarray(0, 16).toString('hex')).toBe('110102000123456789abcdefa1b2c3d4');
  });

  it.each([
    ['too short', Buffer.alloc(RELAY_HEADER_BYTES - 1)],
    ['wrong version', Buffer.concat([Buffer.from('21010000', 'hex'), Buffer.alloc(12), rtp])],
    ['unknown type', Buffer.concat([Buffer.from('17010000', 'hex'), Buffer.alloc(12), rtp])],
    ['encoding out of range', Buffer.concat([Buffer.from('11011000', 'hex'), Buffer.alloc(12), rtp])],
    ['empty message', Buffer.concat([Buffer.from('13010000', 'hex'), Buffer.alloc(12)])],
    ['unknown kind', Buffer.concat([Buffer.from('11020000', 'hex'), Buffer.alloc(12), rtp])],
    ['reserved bits set', Buffer.concat([Buffer.from('11010001', 'hex'), Buffer.alloc(12), rtp])],
    ['rtp without a packet', Buffer.concat([Buffer.from('11010000', 'hex'), Buffer.alloc(12)])],
    ['keyframe request with a payload', Buffer.concat([Buffer.from('12010000', 'hex'), Buffer.alloc(12), rtp])],
  ])('rejects %s', (_name, datagram) => {
    expect(decodeRelayPacket(datagram)).toBeUndefined();
  });

  it.each([
    [{ type: 'rtp', kind: 'video', conferenceId: 'xyz', endpointId: 'a1b2c3d4', encoding: 0 }],
    [{ type: 'rtp', kind: 'video', conferenceId: '0123456789abcdef', endpointId: 'A1B2C3D4', encoding: 0 }],
    [{ type: 'rtp', kind: 'video', conferenceId: '0123456789abcdef', endpointId: 'a1b2c3d4', encoding: 16 }],
  ] as [RelayHeader][])('refuses to encode bad ids or encodings %j', (header) => {
    expect(() => encodeRelayPacket(header, rtp)).toThrow(RangeError);
  });
});
