import { describe, expect, it } from 'vitest';
import {
  buildMeetingUrl,
  encodeHashValue,
  findIgnoredConfigKeys,
  isSafeRoomName,
  nearestKeys,
  parseHashConfig,
  parseHashParams,
  sanitizeRoomName,
} from './meeting.js';

/** Nests dotted keys the way Jitsi does, to state the expected result of a round trip independently. */
function nest(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const names = key.split('.');
    const last = names.pop() as string;
    let base = root;
    for (const name of names) base = (base[name] ??= {}) as Record<string, unknown>;
    base[last] = value;
  }
  return root;
}

describe('buildMeetingUrl', () => {
  it('writes the hash form of the brief exactly', () => {
    expect(
      buildMeetingUrl('https://meet.example.org', 'loadtest-1', {
        config: { 'p2p.enabled': false, startWithVideoMuted: true },
        displayName: 'bot',
      }),
    ).toBe('https://meet.example.org/loadtest-1#config.p2p.enabled=false&config.startWithVideoMuted=true&userInfo.displayName=%22bot%22');
  });

  it.each([
    ['https://meet.example.org', 'https://meet.example.org/r1'],
    ['https://meet.example.org/', 'https://meet.example.org/r1'],
    ['http://127.0.0.1:8443/jitsi', 'http://127.0.0.1:8443/jitsi/r1'],
    ['https://meet.example.org/?lang=en', 'https://meet.example.org/r1?lang=en'],
  ])('joins base %s and the room', (base, expected) => {
    expect(buildMeetingUrl(base, 'r1')).toBe(expected);
  });

  const roundTrips = [
    { name: 'scalars and dotted keys', config: { 'p2p.enabled': false, resolution: 720, 'testing.testMode': true }, displayName: 'Bot 01' },
    { name: 'whole objects', config: { p2p: { enabled: false }, constraints: { video: { height: { ideal: 720, max: 720 } } } } },
    { name: 'strings needing escapes', config: { subject: 'a&b=c#d "q" ‘x’ “y” \\& 100%' }, displayName: 'Zoë & “Bot”' },
    { name: 'arrays and null', config: { toolbarButtons: ['microphone', 'camera'], startLastN: null } },
    { name: 'interfaceConfig', interfaceConfig: { SHOW_CHROME_EXTENSION_BANNER: false, DISABLE_FOCUS_INDICATOR: true } },
  ];
  it.each(roundTrips)('round-trips through Jitsi parsing: $name', ({ config, interfaceConfig, displayName }) => {
    const url = buildMeetingUrl('https://meet.example.org', 'room', { config, interfaceConfig, displayName });
    const expected: Record<string, unknown> = {};
    if (config) expected['config'] = nest(config);
    if (interfaceConfig) expected['interfaceConfig'] = nest(interfaceConfig);
    if (displayName !== undefined) expected['userInfo'] = { displayName };
    expect(parseHashConfig(new URL(url).hash)).toEqual(expected);
  });

  it.each([
    [{ config: { 'deploymentInfo.userRegion': 'eu' } }, 'config.deploymentInfo.userRegion is ignored by Jitsi Meet'],
    [{ config: { startWithVideoMute: true } }, 'nearest allowed: config.startWithVideoMuted'],
    [{ config: { p2p: { enabled: false, useStunTurn: true } } }, 'config.p2p.useStunTurn is ignored'],
    [{ interfaceConfig: { APP_NAME: 'x' } }, 'interfaceConfig.APP_NAME is ignored'],
    [{ config: { 'bad key': 1 } }, 'key "config.bad key" must be'],
    [{ config: { '__proto__.x': 1 } }, 'key "config.__proto__.x" must be'],
    [{ config: { resolution: Number.NaN } }, 'value of "config.resolution" cannot be sent'],
    [{ config: { resolution: undefined } }, 'value of "config.resolution" cannot be sent'],
  ])('rejects %j', (options, expected) => {
    expect(() => buildMeetingUrl('https://meet.example.org', 'room', options)).toThrow(expected);
  });

  it('lists every problem at once with a code', () => {
    let caught: unknown;
    try {
      buildMeetingUrl('ftp://x', 'Bad Room', { config: { foo: 1, bar: 2 } });
    } catch (error) {
      caught = error;
    }
    const error = caught as Error & { code: string };
    expect(error.code).toBe('INVALID_ARGUMENT');
    for (const part of ['must be http(s)', 'use "bad-room"', 'config.foo is ignored', 'config.bar is ignored']) expect(error.message).toContain(part);
  });

  it('applies unlisted keys when the whitelist check is off (dev builds, testbed)', () => {
    const url = buildMeetingUrl('https://t', 'r', { config: { 'deploymentInfo.userRegion': 'eu' }, checkWhitelist: false });
    expect(parseHashConfig(new URL(url).hash)).toEqual({ config: { deploymentInfo: { userRegion: 'eu' } } });
  });
});

describe('parseHashParams (Jitsi parseURLParams rules)', () => {
  it.each([
    { hash: '#config.a=1&config.b=%22x%22', expected: { 'config.a': 1, 'config.b': 'x' } },
    { hash: 'config.a=true', expected: { 'config.a': true } },
    { hash: '#config.a', expected: { 'config.a': undefined } },
    { hash: '#config.a=undefined', expected: { 'config.a': undefined } },
    { hash: '#config.a=notjson&config.b=2', expected: { 'config.b': 2 } },
    { hash: '#config.a=%E0%A4%A&config.b=2', expected: { 'config.b': 2 } },
    { hash: '#config.a=1=2', expected: { 'config.a': 1 } },
    { hash: '#config.a=1&config.a=2', expected: { 'config.a': 2 } },
    { hash: '#=1&&config.a=1', expected: { 'config.a': 1 } },
    { hash: '#config.__proto__.x=1&constructor=2&config.ok=3', expected: { 'config.ok': 3 } },
    { hash: '#config.o=%7B%22__proto__%22%3A1%2C%22a%22%3A2%7D', expected: { 'config.o': { a: 2 } } },
    { hash: '#config.s=%E2%80%9Chi%E2%80%9D', expected: { 'config.s': 'hi' } },
    { hash: '#config.s=%22a%5C%26b%22', expected: { 'config.s': 'a&b' } },
    { hash: '#/some/route', expected: {} },
    { hash: '', expected: {} },
  ])('$hash', ({ hash, expected }) => {
    expect(parseHashParams(hash)).toEqual(expected);
  });
});

describe('parseHashConfig', () => {
  it.each([
    { hash: '#config.p2p.enabled=false&config.p2p.useStunTurn=true', expected: { config: { p2p: { enabled: false, useStunTurn: true } } } },
    { hash: '#config.p2p=%7B%22enabled%22%3Atrue%7D&config.p2p.enabled=false', expected: { config: { p2p: { enabled: false } } } },
    { hash: '#config.p2p.enabled=false&config.p2p=%7B%22x%22%3A1%7D', expected: { config: { p2p: { x: 1 } } } },
    { hash: '#config.p2p=1&config.p2p.enabled=false', expected: { config: { p2p: 1 } } },
    { hash: '#config.p2p=false&config.p2p.enabled=false', expected: { config: { p2p: { enabled: false } } } },
  ])('$hash', ({ hash, expected }) => {
    expect(parseHashConfig(hash)).toEqual(expected);
  });
});

describe('room names', () => {
  it.each([
    ['LoadTest 1', 'loadtest-1'],
    ['  Ünïcode Räum  ', 'unicode-raum'],
    ['Straße №5', 'stra-e-no5'],
    ['a/b?c#d', 'a-b-c-d'],
    ['ＡＢＣ', 'abc'],
    ['..x..', 'x'],
    ['jlt-10x3_conf.2', 'jlt-10x3_conf.2'],
  ])('sanitizeRoomName(%j) = %j', (input, expected) => {
    const sanitized = sanitizeRoomName(input);
    expect(sanitized).toBe(expected);
    expect(isSafeRoomName(sanitized)).toBe(true);
  });

  it.each([[''], ['***'], ['   ']])('sanitizeRoomName(%j) throws', (input) => {
    expect(() => sanitizeRoomName(input)).toThrow('has no letters or digits');
  });

  it.each([
    ['room', true],
    ['Room', false],
    ['a b', false],
    ['-a', false],
    ['a.', false],
    ['', false],
  ])('isSafeRoomName(%j) = %s', (name, expected) => {
    expect(isSafeRoomName(name)).toBe(expected);
  });
});

describe('whitelist helpers', () => {
  it.each([
    [{ 'p2p.enabled': false, testing: { testMode: true }, 'testing.noAutoPlayVideo': true }, []],
    [{ p2p: { enabled: false } }, []],
    [{ p2p: { useStunTurn: true } }, ['p2p.useStunTurn']],
    [{ deploymentInfo: {} }, ['deploymentInfo']],
    [{ flags: { anything: 1 } }, []],
  ])('findIgnoredConfigKeys(config, %j)', (overrides, expected) => {
    expect(findIgnoredConfigKeys('config', overrides).map((ignored) => ignored.key)).toEqual(expected);
  });

  it('suggests keys under the same head first, then by edit distance', () => {
    expect(nearestKeys('p2p.enable', ['p2p.enabled', 'p2p.iceTransportPolicy', 'enableTcc'], 2)).toEqual(['p2p.enabled', 'p2p.iceTransportPolicy']);
    expect(nearestKeys('startWithVideoMute', ['startWithVideoMuted', 'startVideoMuted', 'resolution'], 1)).toEqual(['startWithVideoMuted']);
  });

  it('encodeHashValue escapes what Jitsi rewrites before parsing', () => {
    expect(decodeURIComponent(encodeHashValue('a&b'))).toBe('"a\\u0026b"');
    expect(decodeURIComponent(encodeHashValue('“x”'))).toBe('"\\u201cx\\u201d"');
    expect(() => encodeHashValue(() => 1)).toThrow('no JSON form');
  });
});
