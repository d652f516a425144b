import type { TimeAxis } from '../page-model.js';

/** A range of buckets [from, to) of the page's axis: what every chart and widget currently shows. */
export interface BucketRange {
  from: number;
  to: number;
}

/** The buckets that cover [minSeconds, maxSeconds] on the chart scale, clamped to the axis; at least two. */
export function bucketRange(axis: TimeAxis, minSeconds: number, maxSeconds: number): BucketRange {
  const from = Math.max(0, Math.floor((minSeconds * 1000 - axis.startMs) / axis.stepMs));
  const to = Math.min(axis.count, Math.ceil((maxSeconds * 1000 - axis.startMs) / axis.stepMs) + 1);
  if (to - from >= 2) return { from, to };
  const start = Math.max(0, Math.min(from, axis.count - 2));
  return { from: start, to: Math.min(axis.count, start + 2) };
}

export function rangeSeconds(axis: TimeAxis, range: BucketRange): [number, number] {
  return [(axis.startMs + range.from * axis.stepMs) / 1000, (axis.startMs + (range.to - 1) * axis.stepMs) / 1000];
}

/** Subscribers learn every change of the shown range: charts re-sample, the placement map re-draws. */
export class ZoomState {
  private readonly listeners: ((range: BucketRange) => void)[] = [];
  private current: BucketRange;

  constructor(readonly axis: TimeAxis) {
    this.current = { from: 0, to: axis.count };
  }

  get range(): BucketRange {
    return this.current;
  }

  get zoomed(): boolean {
    return this.current.from > 0 || this.current.to < this.axis.count;
  }

  onChange(listener: (range: BucketRange) => void): void {
    this.listeners.push(listener);
  }

  zoomToSeconds(minSeconds: number, maxSeconds: number): void {
    this.set(bucketRange(this.axis, Math.min(minSeconds, maxSeconds), Math.max(minSeconds, maxSeconds)));
  }

  reset(): void {
    this.set({ from: 0, to: this.axis.count });
  }

  private set(range: BucketRange): void {
    if (range.from === this.current.from && range.to === this.current.to) return;
    this.current = range;
    for (const listener of this.listeners) listener(range);
  }
}
