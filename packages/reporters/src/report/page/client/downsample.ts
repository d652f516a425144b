/**
 * Display downsampling: at most two points per pixel, the minimum and the maximum of the buckets
 * that fall on it, so a one-bucket spike survives any zoom level. Only what is drawn is reduced;
 * every statistic the page shows was computed on raw samples before embedding.
 */

/** How a column is reduced per pixel: a line keeps its min and max in time order; band edges keep their extreme. */
export type ColumnRole = 'line' | 'lo' | 'hi';

export interface DrawColumn {
  values: Float32Array;
  role: ColumnRole;
  /** 1 where a missing bucket belongs to a real gap (see markLongGaps), which breaks the line. */
  longGaps: Uint8Array;
}

/** uPlot's data convention: null breaks the line (a gap), undefined is stepped over (no sample in this bucket). */
export type Point = number | null | undefined;

export interface DrawData {
  /** Seconds on the chart's x scale. */
  x: number[];
  ys: Point[][];
  /** Points with a value in the `line` columns: what a test checks to know a chart shows data. */
  points: number;
  /** The same per `line` column, in column order: one figure per series drawn. */
  seriesPoints: number[];
}

export interface BucketAxis {
  startMs: number;
  stepMs: number;
}

/**
 * Marks the missing buckets (NaN) that are a real gap: a run between two values spanning more than
 * `factor` times the column's typical spacing. A series sampled every 2 s on a 1 s axis misses every
 * other bucket; that is its rhythm, not a gap, and the line steps over it.
 */
export function markLongGaps(values: Float32Array, factor = 3): Uint8Array {
  const marks = new Uint8Array(values.length);
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) present.push(i);
  if (present.length < 2) return marks;
  const spacings = present.slice(1).map((index, k) => index - present[k]!);
  // The lower median: with few samples, one long gap must not become the rhythm.
  const typical = [...spacings].sort((a, b) => a - b)[Math.floor((spacings.length - 1) / 2)]!;
  spacings.forEach((spacing, k) => {
    if (spacing <= factor * typical) return;
    marks.fill(1, present[k]! + 1, present[k + 1]);
  });
  return marks;
}

/** Buckets [from, to) of `columns` for a plot `pixels` wide. */
export function downsample(columns: readonly DrawColumn[], axis: BucketAxis, from: number, to: number, pixels: number): DrawData {
  const seconds = (index: number): number => (axis.startMs + index * axis.stepMs) / 1000;
  const ys: Point[][] = columns.map(() => []);
  const x: number[] = [];
  const width = Math.max(1, Math.floor(pixels));
  if (to - from <= 2 * width) {
    for (let i = from; i < to; i++) {
      x.push(seconds(i));
      columns.forEach((column, c) => ys[c]!.push(pointAt(column, i)));
    }
  } else {
    const perPixel = (to - from) / width;
    for (let p = 0; p < width; p++) {
      const start = from + Math.floor(p * perPixel);
      const end = Math.min(to, from + Math.floor((p + 1) * perPixel));
      if (end <= start) continue;
      x.push(seconds(start), seconds((start + end - 1) / 2));
      columns.forEach((column, c) => {
        const [first, second] = reduce(column, start, end);
        ys[c]!.push(first, second);
      });
    }
  }
  const seriesPoints = columns.flatMap((column, c) => (column.role === 'line' ? [ys[c]!.filter((y) => typeof y === 'number').length] : []));
  return { x, ys, points: seriesPoints.reduce((sum, n) => sum + n, 0), seriesPoints };
}

function pointAt(column: DrawColumn, index: number): Point {
  const value = column.values[index]!;
  if (!Number.isNaN(value)) return value;
  return column.longGaps[index] === 1 ? null : undefined;
}

/** The two points one pixel shows for a column over buckets [start, end). */
function reduce(column: DrawColumn, start: number, end: number): [Point, Point] {
  let min = Infinity;
  let max = -Infinity;
  let minAt = -1;
  let maxAt = -1;
  let gap = false;
  for (let i = start; i < end; i++) {
    const value = column.values[i]!;
    if (Number.isNaN(value)) {
      if (column.longGaps[i] === 1) gap = true;
      continue;
    }
    if (value < min) [min, minAt] = [value, i];
    if (value > max) [max, maxAt] = [value, i];
  }
  if (minAt < 0) return gap ? [null, null] : [undefined, undefined];
  switch (column.role) {
    case 'lo':
      return [min, min];
    case 'hi':
      return [max, max];
    case 'line':
      return minAt <= maxAt ? [min, max] : [max, min];
  }
}
