import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJvbDebug, placementFromDebug, roomFromConferenceName } from './debug.js';

const legacy2022 = JSON.parse(
  readFileSync(new URL('../test/fixtures/jvb-debug.legacy-2022.issue-1819.json', import.meta.url), 'utf8'),
) as unknown;

/** The shape current JVB answers (`Videobridge.getDebugState` + `Conference.getDebugState`, short mode). */
const current = {
  shutdown_state: 'RUNNING',
  drain: false,
  time: 1_767_000_000_000,
  load_management: { state: 'NOT_OVERLOADED', stress: '0.12', reducer_enabled: 'false' },
  conferences: {
    fb638965a1a21809: {
      id: 'fb638965a1a21809',
      rtcstatsEnabled: false,
      name: 'loadtest-1@conference.meet.example.org',
      meeting_id: 'cb0619fe-1',
      endpoints: { '47d1af4b': 'Bot-2', '0a1b2c3d': 'Bot-1' },
      relays: { '10.2.1.7': '10.2.1.7' },
    },
    '0000aaaa0000bbbb': { id: '0000aaaa0000bbbb', name: 'loadtest-0@conference.meet.example.org', endpoints: {}, relays: {} },
  },
};

describe('JvbDebugSchema', () => {
  it.each([
    ['legacy 2022 sample', legacy2022],
    ['current short-mode shape', current],
    ['full-mode endpoint objects', { conferences: { c1: { endpoints: { e1: { statsId: 'x', transport: {} } } } } }],
    ['empty object', {}],
  ])('accepts the %s', (_name, body) => {
    expect(() => parseJvbDebug(body)).not.toThrow();
  });

  it.each([
    ['conferences', 'none', 'key "conferences"'],
    ['time', '1645671085302', 'key "time"'],
    ['drain', 'no', 'key "drain"'],
    ['conferences', { c1: { endpoints: { e1: 7 } } }, 'key "conferences.c1.endpoints.e1"'],
    ['conferences', { c1: { name: 1 } }, 'key "conferences.c1.name"'],
    ['load_management', { stress: [] }, 'key "load_management.stress"'],
  ])('rejects a wrong %s and names the key', (key, value, expected) => {
    expect(() => parseJvbDebug({ ...current, [key]: value }, 'http://jvb-0:8080/debug')).toThrow(expected);
  });
});

describe('placementFromDebug', () => {
  it('lists conferences by id with sorted local endpoints and relays', () => {
    expect(placementFromDebug(parseJvbDebug(current), 'jvb-0')).toEqual({
      bridge: 'jvb-0',
      conferences: [
        { id: '0000aaaa0000bbbb', name: 'loadtest-0@conference.meet.example.org', endpoints: [], relays: [] },
        {
          id: 'fb638965a1a21809',
          name: 'loadtest-1@conference.meet.example.org',
          meetingId: 'cb0619fe-1',
          endpoints: ['0a1b2c3d', '47d1af4b'],
          relays: ['10.2.1.7'],
        },
      ],
    });
  });

  it.each([
    ['legacy sample with no conferences', legacy2022, []],
    ['no conferences key', {}, []],
    ['conference without id falls back to its key', { conferences: { k1: { endpoints: { e: 's' } } } }, [{ id: 'k1', endpoints: ['e'], relays: [] }]],
  ])('%s', (_name, body, conferences) => {
    expect(placementFromDebug(parseJvbDebug(body), 'b')).toEqual({ bridge: 'b', conferences });
  });

  it.each([
    ['loadtest-1@conference.meet.example.org', 'loadtest-1'],
    ['bare', 'bare'],
  ])('roomFromConferenceName(%s) = %s', (name, room) => {
    expect(roomFromConferenceName(name)).toBe(room);
  });
});
