import { describe, expect, it } from 'vitest';
import { cameraSimulcastEncodings, captureQualityLevel, encodingsActiveState, senderMaxHeight } from './video-quality.js';

describe('Jitsi Meet VP8 simulcast (send side)', () => {
  it('720p: 180/360/720 at 200k/500k/1.5M', () => {
    expect(cameraSimulcastEncodings(720)).toEqual([
      { rid: '1', scaleResolutionDownBy: 4, maxBitrate: 200_000 },
      { rid: '2', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
      { rid: '3', scaleResolutionDownBy: 1, maxBitrate: 1_500_000 },
    ]);
  });

  it('the top encoding takes the capture level bitrate; 1080p and 2160p scale the lower two further', () => {
    expect(cameraSimulcastEncodings(540).map((e) => e.maxBitrate)).toEqual([200_000, 500_000, 500_000]);
    expect(cameraSimulcastEncodings(180).map((e) => e.maxBitrate)).toEqual([200_000, 500_000, 200_000]);
    expect(cameraSimulcastEncodings(1080).map((e) => e.scaleResolutionDownBy)).toEqual([6, 3, 1]);
    expect(cameraSimulcastEncodings(2160).map((e) => e.scaleResolutionDownBy)).toEqual([12, 6, 1]);
    expect(cameraSimulcastEncodings(720, { high: 1_000_000 })[2]?.maxBitrate).toBe(1_000_000);
    expect([2160, 1000, 720, 500, 360, 300, 100, 50].map(captureQualityLevel)).toEqual(['ultraHd', 'high', 'high', 'standard', 'standard', 'low', 'low', 'none']);
  });

  it('sender constraints: encodings above maxHeight go off, the lowest stays on, 0 turns all off', () => {
    const encodings = cameraSimulcastEncodings(720);
    expect(encodingsActiveState(720, encodings, senderMaxHeight(-1))).toEqual([true, true, true]);
    expect(encodingsActiveState(720, encodings, 720)).toEqual([true, true, true]);
    expect(encodingsActiveState(720, encodings, 360)).toEqual([true, true, false]);
    expect(encodingsActiveState(720, encodings, 180)).toEqual([true, false, false]);
    expect(encodingsActiveState(720, encodings, 90)).toEqual([true, false, false]);
    expect(encodingsActiveState(720, encodings, 0)).toEqual([false, false, false]);
    expect(senderMaxHeight(360, 180)).toBe(180);
  });
});
