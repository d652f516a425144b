import { describe, expect, it } from 'vitest';
import { SampleBuffer } from './sample-buffer.js';

describe('SampleBuffer', () => {
  it.each([
    { maxItems: undefined, pushes: [[1, 2], [3], []], kept: [1, 2, 3], dropped: 0 },
    { maxItems: 3, pushes: [[1, 2], [3, 4, 5]], kept: [1, 2, 3], dropped: 2 },
    { maxItems: 0, pushes: [[1]], kept: [], dropped: 1 },
  ])('keeps $kept and drops $dropped with maxItems=$maxItems', ({ maxItems, pushes, kept, dropped }) => {
    const buffer = new SampleBuffer<number>(maxItems === undefined ? {} : { maxItems });
    for (const batch of pushes) buffer.push(batch);
    expect(buffer.size).toBe(kept.length);
    expect(buffer.drain()).toEqual(kept);
    expect(buffer.dropped).toBe(dropped);
    expect(buffer.size).toBe(0);
  });

  it('copies out of the caller array, which the caller may reuse', () => {
    const buffer = new SampleBuffer<number>();
    const batch = [1, 2];
    buffer.push(batch);
    batch.length = 0;
    batch.push(9);
    expect(buffer.drain()).toEqual([1, 2]);
  });

  it('makes room again after a drain', () => {
    const buffer = new SampleBuffer<number>({ maxItems: 2 });
    buffer.push([1, 2]);
    buffer.drain();
    buffer.push([3, 4, 5]);
    expect([buffer.drain(), buffer.dropped]).toEqual([[3, 4], 1]);
  });
});
