import { describe, expect, it } from 'vitest';
import { meetingUrl } from './jitsi-page.js';

describe('meetingUrl', () => {
  it.each([
    ['https://meet.example.org', 'jlt-1', {}, 'https://meet.example.org/jlt-1'],
    ['https://meet.example.org/', 'jlt-1', { displayName: 'Bot 01' }, 'https://meet.example.org/jlt-1#userInfo.displayName=%22Bot%2001%22'],
    [
      'http://127.0.0.1:8080/base',
      'room a',
      { config: { startWithVideoMuted: true, 'p2p.enabled': false }, displayName: 'b' },
      'http://127.0.0.1:8080/base/room%20a#config.startWithVideoMuted=true&config.p2p.enabled=false&userInfo.displayName=%22b%22',
    ],
  ])('%s + %s', (base, room, options, expected) => {
    expect(meetingUrl(base, room, options)).toBe(expected);
  });
});
