import type { Sample } from '../metrics/sample.js';

/**
 * What an output's `addSamples` does: append, in O(1) per item, copying out of the caller's array
 * (which the caller may reuse). A bound keeps a stalled destination from growing memory without
 * limit: past `maxItems`, new items are dropped and counted, so the output can say so when it stops.
 */
export class SampleBuffer<T = Sample> {
  readonly maxItems: number;
  private _items: T[] = [];
  private _dropped = 0;

  constructor(options: { maxItems?: number } = {}) {
    this.maxItems = options.maxItems ?? Infinity;
  }

  get size(): number {
    return this._items.length;
  }

  /** Items refused because the buffer was full, since it was created. */
  get dropped(): number {
    return this._dropped;
  }

  push(items: readonly T[]): void {
    const room = this.maxItems - this._items.length;
    const take = Math.min(room, items.length);
    for (let i = 0; i < take; i++) this._items.push(items[i] as T);
    this._dropped += items.length - take;
  }

  /** Everything buffered, in push order; the buffer is empty afterwards. */
  drain(): T[] {
    const items = this._items;
    this._items = [];
    return items;
  }
}
