import { describe, expect, it } from 'vitest';
import { largeVideoQuality, receiverLayout, receiverQualityLevel, tileViewDimensions, verticalFilmstrip, type RemoteParticipant } from './layout.js';

function remotes(n: number, withVideo = n): RemoteParticipant[] {
  return Array.from({ length: n }, (_, i) => ({
    endpointId: `e${i}`,
    displayName: `Bot ${String(i + 1).padStart(2, '0')}`,
    ...(i < withVideo ? { videoSourceName: `e${i}-v0` } : {}),
  }));
}

describe('Jitsi Meet layout', () => {
  it('quality levels: tiles take the highest level they reach, the large video the smallest that covers it', () => {
    expect([100, 180, 200, 359, 360, 719, 720, 2200].map(receiverQualityLevel)).toEqual([180, 180, 180, 180, 360, 360, 720, 2160]);
    expect([0, 150, 180, 181, 360, 600, 720, 1000, 3000].map(largeVideoQuality)).toEqual([180, 180, 180, 360, 360, 720, 720, 2160, 2160]);
  });

  it('tile view grids match the hand-computed responsive layout (5 columns max)', () => {
    // 640x360, 5 tiles: every column count hits the 200 px minimum height; 3 columns of 200 px win.
    expect(tileViewDimensions({ clientWidth: 640, clientHeight: 360, participants: 5, maxColumns: 5 })).toMatchObject({ columns: 3, rows: 2, height: 200, visibleTiles: 5 });
    // 1280x720, 5 tiles: 3 columns of (706-8)/2 = 349 px.
    const large = tileViewDimensions({ clientWidth: 1280, clientHeight: 720, participants: 5, maxColumns: 5 });
    expect(large).toMatchObject({ columns: 3, rows: 2, visibleTiles: 5 });
    expect(large.height).toBeCloseTo(349, 5);
    // 1920x1080, 3 tiles: one row of portrait tiles, 631/0.769 px tall.
    const row = tileViewDimensions({ clientWidth: 1920, clientHeight: 1080, participants: 3, maxColumns: 5 });
    expect(row).toMatchObject({ columns: 3, rows: 1 });
    expect(row.height).toBeCloseTo(((1920 - 12 - 14) / 3) * 1.3, 5);
  });

  it('the vertical filmstrip shows 120 px thumbnails; partly visible ones count', () => {
    expect(verticalFilmstrip(640, 360)).toEqual({ thumbnailHeight: 120, visibleThumbnails: 3 });
  });

  it('two participants: stage view, the other one on stage at the large video level', () => {
    const layout = receiverLayout({ clientWidth: 1280, clientHeight: 720, remotes: remotes(1), config: {} });
    expect(layout).toMatchObject({ layout: 'stage', onStage: 'e0' });
    expect(layout.message).toEqual({
      colibriClass: 'ReceiverVideoConstraints',
      lastN: -1,
      defaultConstraints: { maxHeight: 0 },
      onStageSources: ['e0-v0'],
      selectedSources: [],
      constraints: { 'e0-v0': { maxHeight: 720 } },
    });
    expect(receiverLayout({ clientWidth: 640, clientHeight: 360, remotes: remotes(1), config: {} }).message.constraints).toEqual({ 'e0-v0': { maxHeight: 360 } });
  });

  it('five participants: tile view at 180, more than two visible remotes keep HD away', () => {
    const layout = receiverLayout({ clientWidth: 1280, clientHeight: 720, remotes: remotes(4), config: {} });
    expect(layout.layout).toBe('tile');
    expect(layout.message.onStageSources).toEqual([]);
    expect(layout.message.constraints).toEqual({ 'e0-v0': { maxHeight: 180 }, 'e1-v0': { maxHeight: 180 }, 'e2-v0': { maxHeight: 180 }, 'e3-v0': { maxHeight: 180 } });
    // Three participants in a big window: 2 visible remotes may have 720; with maxFullResolutionParticipants 1 they get 360.
    expect(receiverLayout({ clientWidth: 1920, clientHeight: 1080, remotes: remotes(2), config: {} }).message.constraints).toEqual({ 'e0-v0': { maxHeight: 720 }, 'e1-v0': { maxHeight: 720 } });
    expect(receiverLayout({ clientWidth: 1920, clientHeight: 1080, remotes: remotes(2), config: { maxFullResolutionParticipants: 1 } }).message.constraints).toEqual({
      'e0-v0': { maxHeight: 360 },
      'e1-v0': { maxHeight: 360 },
    });
  });

  it('tile view off: stage view with the last video sender on stage and the first visible thumbnails at 180', () => {
    const layout = receiverLayout({ clientWidth: 640, clientHeight: 360, remotes: remotes(5, 4), config: { disableTileView: true, channelLastN: 2 } });
    expect(layout).toMatchObject({ layout: 'stage', onStage: 'e3', visible: ['e0', 'e1', 'e2'] });
    expect(layout.message).toMatchObject({ lastN: 2, onStageSources: ['e3-v0'] });
    expect(layout.message.constraints).toEqual({ 'e0-v0': { maxHeight: 180 }, 'e1-v0': { maxHeight: 180 }, 'e2-v0': { maxHeight: 180 }, 'e3-v0': { maxHeight: 360 } });
  });

  it('tiles without video count for the grid but get no constraint; startLastN wins over channelLastN', () => {
    const layout = receiverLayout({ clientWidth: 640, clientHeight: 360, remotes: remotes(3, 1), config: { channelLastN: 5, startLastN: 1 } });
    expect(layout.layout).toBe('tile');
    expect(layout.visible).toEqual(['e0', 'e1', 'e2']);
    expect(layout.message.constraints).toEqual({ 'e0-v0': { maxHeight: 180 } });
    expect(layout.message.lastN).toBe(1);
  });
});
