import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { probeConferenceState, type ConferenceState } from './page-probes.js';

/** Runs the probe from its source text alone in a fresh context, as Playwright does in the page. */
function runInPage(globals: Record<string, unknown>): ConferenceState {
  return runInNewContext(`(${probeConferenceState.toString()})()`, globals) as ConferenceState;
}

interface ProbeCase {
  name: string;
  globals: Record<string, unknown>;
  expected: ConferenceState;
}

const joinedConference: Record<string, unknown> = {
  isJoined: () => true,
  getMyUserId: () => '47d1af4b',
  getConnectionState: () => 'connected',
  listMembers: () => [{}, {}],
  getStats: () => ({ transport: [{ ip: '10.2.1.7:10000', type: 'udp', p2p: false, localip: '10.0.0.9:5000' }] }),
  _room: { properties: { 'bridge-count': '2' }, jvbJingleSession: { _bridgeSessionId: '5f0c-uuid' } },
};

const cases: ProbeCase[] = [
  { name: 'no APP global', globals: {}, expected: { joined: false } },
  { name: 'APP without conference', globals: { APP: {} }, expected: { joined: false } },
  { name: 'APP.conference without isJoined', globals: { APP: { conference: {} } }, expected: { joined: false } },
  {
    name: 'not joined yet (prejoin screen)',
    globals: { APP: { conference: { isJoined: () => false, getMyUserId: () => 'x' } }, JitsiMeetJS: { version: 'v2.0.10590' } },
    expected: { joined: false, libVersion: 'v2.0.10590' },
  },
  {
    name: 'joined, every field readable',
    globals: { APP: { conference: joinedConference } },
    expected: {
      joined: true,
      userId: '47d1af4b',
      connectionState: 'connected',
      participants: 3,
      bridgeAddress: '10.2.1.7:10000',
      bridgeIp: '10.2.1.7',
      bridgeTransport: 'udp',
      bridgeCount: 2,
      bridgeSessionId: '5f0c-uuid',
    },
  },
  {
    name: 'membersCount when listMembers is missing, p2p transport skipped',
    globals: {
      APP: {
        conference: {
          isJoined: () => true,
          membersCount: 4,
          getStats: () => ({ transport: [{ ip: '192.168.1.5:50000', p2p: true }, { ip: '[2001:db8::7]:10000', p2p: false }] }),
        },
      },
    },
    expected: { joined: true, participants: 4, bridgeAddress: '[2001:db8::7]:10000', bridgeIp: '2001:db8::7' },
  },
  {
    name: 'unbracketed IPv6 address with port',
    globals: { APP: { conference: { isJoined: () => true, getStats: () => ({ transport: [{ ip: '2001:db8::7:10000' }] }) } } },
    expected: { joined: true, bridgeAddress: '2001:db8::7:10000', bridgeIp: '2001:db8::7' },
  },
  {
    name: 'throwing and malformed APIs give absent fields',
    globals: {
      APP: {
        conference: {
          isJoined: () => true,
          getMyUserId: () => {
            throw new Error('not ready');
          },
          listMembers: () => 'nope',
          getStats: () => ({ transport: 'none' }),
          _room: { properties: { 'bridge-count': 'many' } },
        },
      },
    },
    expected: { joined: true },
  },
  {
    name: 'isJoined throwing counts as not joined',
    globals: {
      APP: {
        conference: {
          isJoined: () => {
            throw new Error('x');
          },
        },
      },
    },
    expected: { joined: false },
  },
  {
    name: 'only a p2p transport: no bridge',
    globals: { APP: { conference: { isJoined: () => true, getStats: () => ({ transport: [{ ip: '1.2.3.4:5', p2p: true }] }) } } },
    expected: { joined: true },
  },
];

describe('probeConferenceState', () => {
  it.each(cases)('$name', ({ globals, expected }) => {
    expect(runInPage(globals)).toEqual(expected);
  });

  it('runs without any page global at all (called directly in Node)', () => {
    expect(probeConferenceState()).toEqual({ joined: false });
  });
});
