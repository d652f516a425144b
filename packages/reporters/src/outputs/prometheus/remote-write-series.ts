import { TagsMemo, type Sample, type Tags } from '@jlt/core';
import { liveMetricName, sanitizeName, type LiveMetricName } from '../live/metric-names.js';
import { bucketsFor } from './buckets.js';
import { encodeLabels, METADATA_TYPE, type EncodedMetadata, type EncodedSeries } from './remote-write-proto.js';

/**
 * The remote-write view of a run: every jlt series (metric + tag set) turned into Prometheus series
 * that PromQL can aggregate over any labels.
 *
 * - trend → classic histogram `NAME_bucket{le}`, `NAME_sum`, `NAME_count` (cumulative since the run
 *   began): `histogram_quantile(0.95, sum by (le, bridge) (rate(NAME_bucket[1m])))` is a true
 *   percentile over any labels and any window, at the buckets' resolution;
 * - counter → `NAME_total`, the running sum of its increments;
 * - rate → `NAME_passes_total` and `NAME_fails_total` (both from the first sample on, so a ratio of
 *   the two never lacks its denominator);
 * - gauge → `NAME` with every sample at its own time.
 *
 * Cumulative series are written at each flush's time, as a scrape would see them, and start with a
 * zero just before their first sample (Prometheus's created-timestamp zero): without it `rate()`
 * and `increase()` would miss everything a series counted before its first flush, e.g. every join
 * of a run whose bots all joined within one flush interval. Gauges keep their sample times, sorted
 * per series. A gauge sample at or before the last one written for its series
 * would be refused as out of order by Prometheus and is dropped here instead (counted in `late`).
 */
export class RemoteWriteSeries {
  private readonly byTagsObject = new TagsMemo<SeriesState>();
  private readonly byKey = new Map<string, SeriesState>();
  private readonly states: SeriesState[] = [];
  private readonly families = new Map<string, EncodedMetadata>();
  private lastFlushTime = -Infinity;
  private _late = 0;

  /** `baseLabels`: run_id and the output's extra labels; a sample's own tags win over them. */
  constructor(private readonly baseLabels: Readonly<Record<string, string>>) {}

  /** Gauge samples dropped because their series already had a later one written. */
  get late(): number {
    return this._late;
  }

  /** Folds samples in; returns how many were taken (the rest were late or not finite). */
  add(samples: readonly Sample[]): number {
    let taken = 0;
    for (const sample of samples) {
      if (!Number.isFinite(sample.value)) continue;
      const state = this.stateFor(sample.metric, sample.tags);
      if (state.kind !== 'gauge') state.createdAt ??= Math.round(sample.time) - 1;
      const value = state.named.toBase(sample.value);
      switch (state.kind) {
        case 'histogram': {
          const { bounds, counts } = state;
          let index = 0;
          while (index < bounds.length && value > bounds[index]!) index++;
          counts[index]!++;
          state.sum += value;
          state.count++;
          break;
        }
        case 'counter':
          state.total += value;
          break;
        case 'rate':
          if (sample.value !== 0) state.passes++;
          else state.fails++;
          break;
        case 'gauge': {
          const timestamp = Math.round(sample.time);
          if (timestamp <= state.lastWritten) {
            this._late++;
            continue;
          }
          state.pending.push({ value, timestamp });
          break;
        }
      }
      taken++;
    }
    return taken;
  }

  /** Every series' samples for a flush at `now` (ms, coordinator clock), and the families' metadata. */
  collect(now: number): { series: EncodedSeries[]; metadata: EncodedMetadata[] } {
    const timestamp = Math.max(Math.round(now), this.lastFlushTime + 1);
    this.lastFlushTime = timestamp;
    const series: EncodedSeries[] = [];
    for (const state of this.states) {
      if (state.kind !== 'gauge' && state.createdAt === undefined) continue;
      const cumulative = (labels: Uint8Array, value: number): void => {
        const samples = [{ value, timestamp }];
        if (state.kind !== 'gauge' && !state.written) samples.unshift({ value: 0, timestamp: Math.min(state.createdAt!, timestamp - 1) });
        series.push({ labels, samples });
      };
      switch (state.kind) {
        case 'histogram': {
          let running = 0;
          state.counts.forEach((count, index) => {
            running += count;
            cumulative(state.bucketLabels[index]!, running);
          });
          cumulative(state.sumLabels, state.sum);
          cumulative(state.countLabels, state.count);
          state.written = true;
          break;
        }
        case 'counter':
          cumulative(state.labels, state.total);
          state.written = true;
          break;
        case 'rate':
          cumulative(state.passLabels, state.passes);
          cumulative(state.failLabels, state.fails);
          state.written = true;
          break;
        case 'gauge': {
          if (state.pending.length === 0) break;
          const samples = inTimeOrder(state.pending);
          state.pending = [];
          state.lastWritten = samples[samples.length - 1]!.timestamp;
          series.push({ labels: state.labels, samples });
          break;
        }
      }
    }
    return { series, metadata: [...this.families.values()] };
  }

  private stateFor(metric: string, tags: Tags): SeriesState {
    return this.byTagsObject.get(tags, metric, this.stateByLabels);
  }

  private readonly stateByLabels = (metric: string, tags: Tags): SeriesState => {
    const labels = this.labelsOf(tags);
    const key = [metric, ...labels.map(([name, value]) => `${name}=${value}`).sort()].join('\u0000');
    let state = this.byKey.get(key);
    if (state === undefined) {
      state = createState(liveMetricName(metric), labels);
      this.byKey.set(key, state);
      this.states.push(state);
      this.describe(state);
    }
    return state;
  };

  private labelsOf(tags: Tags): [string, string][] {
    const labels = new Map<string, string>(Object.entries(this.baseLabels));
    for (const [name, value] of Object.entries(tags)) {
      if (value !== '') labels.set(sanitizeName(name), value);
    }
    return [...labels].filter(([, value]) => value !== '');
  }

  private describe(state: SeriesState): void {
    const { name, help, unit } = state.named;
    const families: [string, EncodedMetadata['type']][] =
      state.kind === 'histogram'
        ? [[name, METADATA_TYPE.histogram]]
        : state.kind === 'gauge'
          ? [[name, METADATA_TYPE.gauge]]
          : state.kind === 'counter'
            ? [[`${name}_total`, METADATA_TYPE.counter]]
            : [[`${name}_passes_total`, METADATA_TYPE.counter], [`${name}_fails_total`, METADATA_TYPE.counter]];
    for (const [family, type] of families) {
      if (!this.families.has(family)) this.families.set(family, { type, family, help, unit });
    }
  }
}

type SeriesState = HistogramState | CounterState | RateState | GaugeState;

interface CumulativeState {
  /** Just before the series' first sample (ms); unset until it has one. */
  createdAt?: number;
  /** Whether a flush has carried the series (and its leading zero) yet. */
  written: boolean;
}

interface HistogramState extends CumulativeState {
  kind: 'histogram';
  named: LiveMetricName;
  bounds: readonly number[];
  /** Per bucket (not cumulative), the last one for +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
  bucketLabels: Uint8Array[];
  sumLabels: Uint8Array;
  countLabels: Uint8Array;
}

interface CounterState extends CumulativeState {
  kind: 'counter';
  named: LiveMetricName;
  total: number;
  labels: Uint8Array;
}

interface RateState extends CumulativeState {
  kind: 'rate';
  named: LiveMetricName;
  passes: number;
  fails: number;
  passLabels: Uint8Array;
  failLabels: Uint8Array;
}

interface GaugeState {
  kind: 'gauge';
  named: LiveMetricName;
  pending: { value: number; timestamp: number }[];
  lastWritten: number;
  labels: Uint8Array;
}

function createState(named: LiveMetricName, labels: readonly [string, string][]): SeriesState {
  const withName = (name: string, extra: readonly [string, string][] = []): Uint8Array => encodeLabels([['__name__', name], ...labels, ...extra]);
  switch (named.type) {
    case 'trend': {
      const bounds = bucketsFor(named.unit);
      return {
        kind: 'histogram',
        named,
        written: false,
        bounds,
        counts: new Float64Array(bounds.length + 1),
        sum: 0,
        count: 0,
        bucketLabels: [...bounds.map((bound) => formatBound(bound)), '+Inf'].map((le) => withName(`${named.name}_bucket`, [['le', le]])),
        sumLabels: withName(`${named.name}_sum`),
        countLabels: withName(`${named.name}_count`),
      };
    }
    case 'counter':
      return { kind: 'counter', named, written: false, total: 0, labels: withName(`${named.name}_total`) };
    case 'rate':
      return { kind: 'rate', named, written: false, passes: 0, fails: 0, passLabels: withName(`${named.name}_passes_total`), failLabels: withName(`${named.name}_fails_total`) };
    case 'gauge':
      return { kind: 'gauge', named, pending: [], lastWritten: -Infinity, labels: withName(named.name) };
  }
}

/** `le` as Prometheus's own client libraries print it (`0.005`, `1`, `1e+06` style avoided). */
function formatBound(bound: number): string {
  return Number.isInteger(bound) ? String(bound) : String(Number(bound.toPrecision(6)));
}

/** Sorted by time; of samples sharing a millisecond the last one stays (Prometheus refuses duplicates). */
function inTimeOrder(pending: { value: number; timestamp: number }[]): { value: number; timestamp: number }[] {
  const sorted = pending.map((s, index) => ({ ...s, index })).sort((a, b) => a.timestamp - b.timestamp || a.index - b.index);
  const result: { value: number; timestamp: number }[] = [];
  for (const sample of sorted) {
    const previous = result[result.length - 1];
    if (previous !== undefined && previous.timestamp === sample.timestamp) previous.value = sample.value;
    else result.push({ value: sample.value, timestamp: sample.timestamp });
  }
  return result;
}
