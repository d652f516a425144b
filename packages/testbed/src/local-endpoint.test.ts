import { afterEach, describe, expect, it } from 'vitest';
import { LocalEndpoint } from './local-endpoint.js';
import type { ServerMessage } from './signalling-messages.js';
import { emptyTrafficCounters } from './traffic-counters.js';

const open: LocalEndpoint[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((endpoint) => endpoint.close()));
});

/** The first offer the bridge signals to a participant that sends what `sends` says. */
async function firstOffer(sends: { audio: boolean; video: boolean }): Promise<string> {
  let resolve: (sdp: string) => void = () => undefined;
  const offered = new Promise<string>((r) => (resolve = r));
  const endpoint = new LocalEndpoint({
    id: 'ep-1',
    displayName: 'one',
    sendAudio: sends.audio,
    sendVideo: sends.video,
    mediaAddress: '127.0.0.1',
    signal: (message: ServerMessage) => {
      if (message.type === 'offer') resolve(message.sdp);
    },
    counters: emptyTrafficCounters(),
    logger: { log: () => undefined },
    onTransportEvent: () => undefined,
    onFailure: () => undefined,
  });
  open.push(endpoint);
  endpoint.requestNegotiation();
  return offered;
}

const sections = (sdp: string): string[] => sdp.split('\r\n').filter((line) => line.startsWith('m=')).map((line) => line.split(' ')[0] ?? '');

describe('LocalEndpoint offers', () => {
  it.each([
    ['a receive-only participant', { audio: false, video: false }],
    ['an audio-only participant', { audio: true, video: false }],
    ['a sender', { audio: true, video: true }],
  ])('to %s have a BUNDLEd audio and video section before any other source exists', async (_who, sends) => {
    const sdp = await firstOffer(sends);
    expect(sections(sdp)).toEqual(['m=audio', 'm=video']);
    const mids = sdp.split('\r\n').filter((line) => line.startsWith('a=mid:')).map((line) => line.slice('a=mid:'.length));
    expect(sdp).toContain(`a=group:BUNDLE ${mids.join(' ')}`);
  });
});
