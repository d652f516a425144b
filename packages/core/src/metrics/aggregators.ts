import { JltError } from '../errors.js';
import type { Aggregation } from '../thresholds/types.js';
import type { MetricType } from './sample.js';
import { DEFAULT_RELATIVE_ACCURACY, QuantileSketch } from './sketch.js';

type AggregationKind = Aggregation['kind'];

/**
 * What each metric type can be asked for: k6's sets, widened where jlt's data needs it. Gauges here
 * are sampled series (JVB stress every second), so besides the latest `value` they have a
 * distribution over time, and trends remember their latest value too; `count` exists everywhere.
 * thresholds/parse.ts checks expressions against the same sets.
 */
export const SUPPORTED_AGGREGATIONS: Readonly<Record<MetricType, readonly AggregationKind[]>> = {
  counter: ['count', 'sum', 'rate'],
  gauge: ['value', 'avg', 'min', 'max', 'med', 'p', 'count', 'sum'],
  trend: ['avg', 'min', 'max', 'med', 'p', 'value', 'count', 'sum'],
  rate: ['rate', 'count'],
};

export function formatAggregation(aggregation: Aggregation): string {
  return aggregation.kind === 'p' ? `p(${aggregation.percentile})` : aggregation.kind;
}

export function isAggregationSupported(type: MetricType, aggregation: Aggregation): boolean {
  return SUPPORTED_AGGREGATIONS[type].includes(aggregation.kind);
}

/** A sentence for a threshold that asks a metric type for something it does not have. */
export function unsupportedAggregationMessage(type: MetricType, aggregation: Aggregation): string {
  const allowed = SUPPORTED_AGGREGATIONS[type].map((k) => (k === 'p' ? 'p(N)' : k)).join(', ');
  return `${formatAggregation(aggregation)} is not defined for ${type} metrics; use one of: ${allowed}`;
}

/**
 * The running state of one series (one metric and one tag set). Aggregators of the same type merge
 * exactly — percentiles through their sketches — so any tag filter is answered by merging series.
 */
export interface Aggregator {
  readonly type: MetricType;
  /** Number of samples added. */
  readonly samples: number;
  /** `time` is the sample's time in ms on the coordinator clock. */
  add(value: number, time: number): void;
  /** Adds every sample of `other`, which must be of the same type, into this aggregator. */
  merge(other: Aggregator): void;
  /**
   * The aggregated value, undefined while there are no samples. `spanMs` is the duration over which
   * per-second rates are computed. Throws a JltError for an aggregation the type does not have.
   */
  value(aggregation: Aggregation, spanMs: number): number | undefined;
}

abstract class BaseAggregator implements Aggregator {
  abstract readonly type: MetricType;
  abstract readonly samples: number;
  abstract add(value: number, time: number): void;
  protected abstract _mergeSame(other: this): void;
  protected abstract _value(aggregation: Aggregation, spanMs: number): number | undefined;

  merge(other: Aggregator): void {
    if (other.type !== this.type)
      throw new JltError('INTERNAL', `cannot merge a ${other.type} aggregator into a ${this.type} aggregator`);
    this._mergeSame(other as this);
  }

  value(aggregation: Aggregation, spanMs: number): number | undefined {
    if (!isAggregationSupported(this.type, aggregation))
      throw new JltError('INVALID_SCENARIO', unsupportedAggregationMessage(this.type, aggregation), {
        hint: 'Change the threshold expression to an aggregation the metric type supports.',
      });
    if (this.samples === 0) return undefined;
    return this._value(aggregation, spanMs);
  }
}

/** A sum of increments (k6's Counter): `count` and `sum` are the total, `rate` the total per second. */
export class CounterAggregator extends BaseAggregator {
  readonly type = 'counter';
  samples = 0;
  total = 0;

  add(value: number): void {
    this.samples++;
    this.total += value;
  }

  protected _mergeSame(other: CounterAggregator): void {
    this.samples += other.samples;
    this.total += other.total;
  }

  protected _value(aggregation: Aggregation, spanMs: number): number | undefined {
    if (aggregation.kind === 'rate') return spanMs > 0 ? this.total / (spanMs / 1000) : undefined;
    return this.total;
  }
}

/**
 * A distribution of values over a sketch, plus the latest value by sample time (ties go to the later
 * arrival, like k6's last write).
 */
abstract class DistributionAggregator extends BaseAggregator {
  readonly sketch: QuantileSketch;
  last: number | undefined;
  lastTime = -Infinity;

  constructor(relativeAccuracy = DEFAULT_RELATIVE_ACCURACY) {
    super();
    this.sketch = new QuantileSketch(relativeAccuracy);
  }

  get samples(): number {
    return this.sketch.count;
  }

  add(value: number, time: number): void {
    this.sketch.add(value);
    if (time >= this.lastTime) {
      this.last = value;
      this.lastTime = time;
    }
  }

  protected _mergeSame(other: DistributionAggregator): void {
    this.sketch.merge(other.sketch);
    if (other.last !== undefined && other.lastTime >= this.lastTime) {
      this.last = other.last;
      this.lastTime = other.lastTime;
    }
  }

  protected _value(aggregation: Aggregation): number | undefined {
    const sketch = this.sketch;
    switch (aggregation.kind) {
      case 'value':
        return this.last;
      case 'avg':
        return sketch.avg;
      case 'min':
        return sketch.min;
      case 'max':
        return sketch.max;
      case 'med':
        return sketch.quantile(0.5);
      case 'p':
        return sketch.quantile(aggregation.percentile / 100);
      case 'count':
        return sketch.count;
      case 'sum':
        return sketch.sum;
      default:
        return undefined;
    }
  }
}

/** A sampled level (k6's Gauge): its latest value, and its distribution over the run. */
export class GaugeAggregator extends DistributionAggregator {
  readonly type = 'gauge';
}

/** A distribution of measurements (k6's Trend), percentiles from a mergeable sketch. */
export class TrendAggregator extends DistributionAggregator {
  readonly type = 'trend';
}

/** A share of non-zero samples (k6's Rate): `rate` is passes / samples, `count` the samples. */
export class RateAggregator extends BaseAggregator {
  readonly type = 'rate';
  samples = 0;
  passes = 0;

  get fails(): number {
    return this.samples - this.passes;
  }

  add(value: number): void {
    this.samples++;
    if (value !== 0) this.passes++;
  }

  protected _mergeSame(other: RateAggregator): void {
    this.samples += other.samples;
    this.passes += other.passes;
  }

  protected _value(aggregation: Aggregation): number | undefined {
    return aggregation.kind === 'rate' ? this.passes / this.samples : this.samples;
  }
}

export type AnyAggregator = CounterAggregator | GaugeAggregator | TrendAggregator | RateAggregator;

export function createAggregator(type: MetricType, relativeAccuracy = DEFAULT_RELATIVE_ACCURACY): AnyAggregator {
  switch (type) {
    case 'counter':
      return new CounterAggregator();
    case 'gauge':
      return new GaugeAggregator(relativeAccuracy);
    case 'trend':
      return new TrendAggregator(relativeAccuracy);
    case 'rate':
      return new RateAggregator();
  }
}
