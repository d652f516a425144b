import { describe, expect, it } from 'vitest';
import { downsample, markLongGaps, type DrawColumn } from './downsample.js';

const axis = { startMs: 0, stepMs: 1000 };
const line = (values: number[]): DrawColumn => {
  const column = Float32Array.from(values);
  return { values: column, role: 'line', longGaps: markLongGaps(column) };
};

describe('markLongGaps', () => {
  it('steps over the rhythm of a sparse series and marks only runs longer than 3 spacings', () => {
    const values = Float32Array.from([1, NaN, 2, NaN, 3, NaN, NaN, NaN, NaN, NaN, NaN, 4, NaN, 5]);
    expect([...markLongGaps(values)]).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
  });

  it('leaves leading and trailing missing buckets unmarked', () => {
    expect([...markLongGaps(Float32Array.from([NaN, NaN, 1, 2, NaN, NaN]))]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('downsample', () => {
  it('passes buckets through when there are few enough: undefined steps over, null breaks the line', () => {
    const drawn = downsample([line([1, NaN, 2, NaN, NaN, NaN, NaN, NaN, NaN, NaN, 3])], axis, 0, 11, 100);
    expect(drawn.x).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(drawn.ys[0]).toEqual([1, undefined, 2, null, null, null, null, null, null, null, 3]);
    expect(drawn.points).toBe(3);
    expect(drawn.seriesPoints).toEqual([3]);
  });

  it('counts the points of each line series apart, band edges not at all', () => {
    const band: DrawColumn = { ...line([]), values: Float32Array.from([0, 0, 0, 0]), role: 'lo', longGaps: new Uint8Array(4) };
    const drawn = downsample([line([1, 2, 3, 4]), band, line([NaN, 5, NaN, 6])], axis, 0, 4, 100);
    expect(drawn.seriesPoints).toEqual([4, 2]);
    expect(drawn.points).toBe(6);
  });

  it('keeps a one-bucket spike at any width: min and max per pixel, in time order', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => (i === 7_321 ? 500 : 10 + (i % 3)));
    const drawn = downsample([line(values)], axis, 0, values.length, 100);
    expect(drawn.x.length).toBeLessThanOrEqual(200);
    const ys = drawn.ys[0] as number[];
    expect(Math.max(...ys)).toBe(500);
    expect(Math.min(...ys)).toBe(10);
    const pixel = Math.floor(7_321 / 100);
    expect([ys[2 * pixel], ys[2 * pixel + 1]]).toEqual([10, 500]);
  });

  it('reduces band edges to their extreme and draws only the visible range', () => {
    const lo: DrawColumn = { ...line([]), values: Float32Array.from([5, 1, 7, 7, 2, 9]), role: 'lo', longGaps: new Uint8Array(6) };
    const hi: DrawColumn = { ...line([]), values: Float32Array.from([6, 8, 7, 9, 3, 10]), role: 'hi', longGaps: new Uint8Array(6) };
    const drawn = downsample([lo, hi], axis, 2, 6, 1);
    expect(drawn.x).toEqual([2, 3.5]);
    expect(drawn.ys).toEqual([
      [2, 2],
      [10, 10],
    ]);
    expect(drawn.points).toBe(0);
    expect(drawn.seriesPoints).toEqual([]);
  });
});
