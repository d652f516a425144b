import { describe, expect, it } from 'vitest';
import { allocate, applyReceiverConstraints, candidateLayers, initialAllocationSettings, type SourceSnapshot } from './allocation.js';

const layers = (bitrates = [150_000, 400_000, 700_000]) =>
  [180, 360, 720].map((height, encoding) => ({ encoding, height, bitrateBps: bitrates[encoding] ?? 0 }));
const source = (endpointId: string, bitrates?: number[]): SourceSnapshot => ({ sourceName: `${endpointId}-v0`, endpointId, layers: layers(bitrates) });

describe('layer allocation', () => {
  it('candidates: the active layers within maxHeight, else the lowest active one; none for 0', () => {
    const all = layers();
    expect(candidateLayers(all, 720).map((l) => l.height)).toEqual([180, 360, 720]);
    expect(candidateLayers(all, 360).map((l) => l.height)).toEqual([180, 360]);
    expect(candidateLayers(all, 100).map((l) => l.height)).toEqual([180]);
    expect(candidateLayers(all, -1).map((l) => l.height)).toEqual([180, 360, 720]);
    expect(candidateLayers(all, 0)).toEqual([]);
    // The sender stopped its top layer: it is no candidate any more.
    expect(candidateLayers(layers([150_000, 400_000, 0]), 720).map((l) => l.height)).toEqual([180, 360]);
    // Nothing has arrived yet: every layer counts, so forwarding can start with the first keyframe.
    expect(candidateLayers(layers([0, 0, 0]), 360).map((l) => l.height)).toEqual([180, 360]);
  });

  it('before any message nothing is forwarded; a first message without defaults gives unnamed sources 180', () => {
    const sources = [source('a'), source('b')];
    expect(allocate(sources, initialAllocationSettings()).allocations.map((a) => a.target)).toEqual([undefined, undefined]);
    const settings = applyReceiverConstraints(initialAllocationSettings(), { colibriClass: 'ReceiverVideoConstraints', constraints: { 'a-v0': { maxHeight: 720 } } });
    expect(allocate(sources, settings).allocations.map((a) => a.target?.height)).toEqual([720, 180]);
    // Later messages leave absent fields alone.
    const next = applyReceiverConstraints(settings, { colibriClass: 'ReceiverVideoConstraints', lastN: 1 });
    expect(next).toMatchObject({ lastN: 1, defaultConstraints: { maxHeight: 180 }, constraints: { 'a-v0': { maxHeight: 720 } } });
  });

  it('lastN keeps the first N sources with video in priority order; selected sources come first', () => {
    const sources = [source('a'), source('b'), source('c')];
    const settings = applyReceiverConstraints(initialAllocationSettings(), {
      colibriClass: 'ReceiverVideoConstraints',
      lastN: 2,
      selectedSources: ['c-v0'],
      defaultConstraints: { maxHeight: 0 },
      constraints: { 'a-v0': { maxHeight: 0 }, 'b-v0': { maxHeight: 360 }, 'c-v0': { maxHeight: 180 } },
    });
    const result = allocate(sources, settings);
    expect(result.allocations.map((a) => [a.sourceName, a.effectiveMaxHeight, a.target?.height])).toEqual([
      ['c-v0', 180, 180],
      ['a-v0', 0, undefined],
      ['b-v0', 360, 360],
    ]);
    const lastOne = allocate(sources, applyReceiverConstraints(settings, { colibriClass: 'ReceiverVideoConstraints', lastN: 1 }));
    expect(lastOne.allocations.map((a) => a.effectiveMaxHeight)).toEqual([180, 0, 0]);
    // On-stage sources count as selected, ahead of the selected ones.
    const staged = allocate(sources, applyReceiverConstraints(settings, { colibriClass: 'ReceiverVideoConstraints', lastN: 1, onStageSources: ['b-v0'] }));
    expect(staged.allocations.map((a) => [a.sourceName, a.effectiveMaxHeight])).toEqual([
      ['b-v0', 360],
      ['c-v0', 0],
      ['a-v0', 0],
    ]);
  });

  it('an assumed bandwidth: on stage first, then everyone their lowest layer, then upgrades while it lasts', () => {
    const sources = [source('a'), source('b'), source('c')];
    const base = {
      colibriClass: 'ReceiverVideoConstraints' as const,
      onStageSources: ['c-v0'],
      constraints: { 'a-v0': { maxHeight: 360 }, 'b-v0': { maxHeight: 360 }, 'c-v0': { maxHeight: 720 } },
    };
    const roomy = allocate(sources, applyReceiverConstraints(initialAllocationSettings(), { ...base, assumedBandwidthBps: 2_000_000 }));
    // c takes 700k, a and b 150k each (1M left), then a and b climb to 400k each (500k left).
    expect(roomy.allocations.map((a) => [a.sourceName, a.target?.height])).toEqual([
      ['c-v0', 720],
      ['a-v0', 360],
      ['b-v0', 360],
    ]);
    const tight = allocate(sources, applyReceiverConstraints(initialAllocationSettings(), { ...base, assumedBandwidthBps: 1_000_000 }));
    expect(tight.allocations.map((a) => [a.sourceName, a.target?.height])).toEqual([
      ['c-v0', 720],
      ['a-v0', 180],
      ['b-v0', 180],
    ]);
    const starved = allocate(sources, applyReceiverConstraints(initialAllocationSettings(), { ...base, assumedBandwidthBps: 800_000 }));
    expect(starved.allocations.map((a) => a.target?.height)).toEqual([720, undefined, undefined]);
    expect(starved.suspended).toEqual(['a-v0', 'b-v0']);
    expect(starved.targetBps).toBe(700_000);
    expect(starved.idealBps).toBe(400_000 + 400_000 + 700_000);
  });
});
