import type { Tags } from './sample.js';

/**
 * A value per (tags object, metric name), computed once. Decoded sample batches share one tags
 * object across many samples, so consumers that derive something from a sample's metric and tags
 * (a series, a label set, a line-protocol prefix) look it up by object identity instead of
 * building a key per sample. Tags objects are immutable once in a sample; entries go with them.
 */
export class TagsMemo<V> {
  private readonly byTags = new WeakMap<Tags, Map<string, V>>();

  get(tags: Tags, metric: string, compute: (metric: string, tags: Tags) => V): V {
    let byMetric = this.byTags.get(tags);
    if (byMetric === undefined) {
      byMetric = new Map();
      this.byTags.set(tags, byMetric);
    }
    let value = byMetric.get(metric);
    if (value === undefined) {
      value = compute(metric, tags);
      byMetric.set(metric, value);
    }
    return value;
  }
}
