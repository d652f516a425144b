import { z } from 'zod';
import { JltError } from '../errors.js';

/** Relative accuracy of every sketch jlt builds unless a caller asks otherwise. */
export const DEFAULT_RELATIVE_ACCURACY = 0.01;

/**
 * The compact wire and storage form of a sketch. Bucket keys are sorted and delta-encoded into a flat
 * `[key0, count0, keyDelta1, count1, …]` array, so a typical 1%-accurate sketch of a few thousand
 * latencies is a few hundred numbers.
 */
export interface SketchJSON {
  /** Relative accuracy α. */
  a: number;
  n: number;
  sum: number;
  min: number | null;
  max: number | null;
  /** Count of exact zeros. */
  z: number;
  /** Buckets of positive values. */
  p: number[];
  /** Buckets of negative values, keyed by their absolute value. */
  m: number[];
}

const bucketArray = z
  .array(z.number().int())
  .refine((a) => a.length % 2 === 0, 'bucket array must hold key/count pairs')
  .refine((a) => a.every((v, i) => i % 2 === 0 || v > 0), 'bucket counts must be positive')
  .refine((a) => a.every((v, i) => i < 2 || i % 2 === 1 || v > 0), 'bucket keys must be strictly increasing');

export const sketchJsonSchema = z.object({
  a: z.number().gt(0).lt(1),
  n: z.number().int().nonnegative(),
  sum: z.number(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  z: z.number().int().nonnegative(),
  p: bucketArray,
  m: bucketArray,
});

/**
 * A mergeable quantile sketch with relative error α (DDSketch, Masson et al., VLDB 2019): a positive
 * value v goes to bucket ⌈log_γ v⌉ with γ = (1+α)/(1−α); every value in a bucket is within α of the
 * bucket's representative 2γ^i/(γ+1). Negative values use a mirrored bucket map, exact zeros a
 * counter. Count, sum, min and max are exact. Merging adds bucket counts, so a merge of sketches is
 * exactly the sketch of the union — which is why percentiles are merged here and never averaged.
 */
export class QuantileSketch {
  readonly relativeAccuracy: number;
  private readonly _gamma: number;
  private readonly _logGamma: number;
  private readonly _positive = new Map<number, number>();
  private readonly _negative = new Map<number, number>();
  private _zeros = 0;
  private _negativeCount = 0;
  private _count = 0;
  private _sum = 0;
  private _min = Infinity;
  private _max = -Infinity;

  constructor(relativeAccuracy: number = DEFAULT_RELATIVE_ACCURACY) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1))
      throw new RangeError(`relative accuracy must be in (0, 1), got ${relativeAccuracy}`);
    this.relativeAccuracy = relativeAccuracy;
    this._gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this._logGamma = Math.log(this._gamma);
  }

  get count(): number {
    return this._count;
  }

  get sum(): number {
    return this._sum;
  }

  /** Undefined while empty. */
  get min(): number | undefined {
    return this._count === 0 ? undefined : this._min;
  }

  /** Undefined while empty. */
  get max(): number | undefined {
    return this._count === 0 ? undefined : this._max;
  }

  /** Undefined while empty. */
  get avg(): number | undefined {
    return this._count === 0 ? undefined : this._sum / this._count;
  }

  /** Adds `value` `times` times. Non-finite values are a caller bug and throw. */
  add(value: number, times = 1): void {
    if (!Number.isFinite(value)) throw new RangeError(`cannot add non-finite value ${value} to a sketch`);
    if (value > 0) increment(this._positive, this._key(value), times);
    else if (value < 0) {
      increment(this._negative, this._key(-value), times);
      this._negativeCount += times;
    } else this._zeros += times;
    this._count += times;
    this._sum += value * times;
    if (value < this._min) this._min = value;
    if (value > this._max) this._max = value;
  }

  /** Adds every value of `other` into this sketch. Both must have the same relative accuracy. */
  merge(other: QuantileSketch): void {
    if (other.relativeAccuracy !== this.relativeAccuracy)
      throw new JltError(
        'INTERNAL',
        `cannot merge sketches with different relative accuracy (${this.relativeAccuracy} and ${other.relativeAccuracy})`,
        { hint: 'Every producer must build its sketches with the same relative accuracy.' },
      );
    if (other._count === 0) return;
    for (const [key, n] of other._positive) increment(this._positive, key, n);
    for (const [key, n] of other._negative) increment(this._negative, key, n);
    this._zeros += other._zeros;
    this._negativeCount += other._negativeCount;
    this._count += other._count;
    this._sum += other._sum;
    if (other._min < this._min) this._min = other._min;
    if (other._max > this._max) this._max = other._max;
  }

  /**
   * The q-quantile (0 ≤ q ≤ 1), interpolated linearly between the two nearest ranks like k6's
   * percentiles, each rank's value within α of the exact one. Undefined while empty.
   */
  quantile(q: number): number | undefined {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
    if (this._count === 0) return undefined;
    const rank = q * (this._count - 1);
    const lower = Math.floor(rank);
    const lowerValue = this._valueAtRank(lower);
    if (rank === lower) return lowerValue;
    const upperValue = this._valueAtRank(lower + 1);
    return lowerValue + (upperValue - lowerValue) * (rank - lower);
  }

  toJSON(): SketchJSON {
    return {
      a: this.relativeAccuracy,
      n: this._count,
      sum: this._sum,
      min: this._count === 0 ? null : this._min,
      max: this._count === 0 ? null : this._max,
      z: this._zeros,
      p: encodeBuckets(this._positive),
      m: encodeBuckets(this._negative),
    };
  }

  /** Rebuilds a sketch from `toJSON()` output; anything else is a JltError naming the problem. */
  static fromJSON(json: unknown): QuantileSketch {
    const parsed = sketchJsonSchema.safeParse(json);
    if (!parsed.success)
      throw new JltError('PROTOCOL_ERROR', `invalid sketch: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`);
    const data = parsed.data;
    const sketch = new QuantileSketch(data.a);
    decodeBuckets(data.p, sketch._positive);
    decodeBuckets(data.m, sketch._negative);
    const negativeCount = sumValues(sketch._negative);
    const buckets = data.z + negativeCount + sumValues(sketch._positive);
    if (buckets !== data.n)
      throw new JltError('PROTOCOL_ERROR', `invalid sketch: count ${data.n} differs from bucket total ${buckets}`);
    if (data.n > 0 && (data.min === null || data.max === null || data.min > data.max))
      throw new JltError('PROTOCOL_ERROR', 'invalid sketch: a non-empty sketch needs min <= max');
    sketch._zeros = data.z;
    sketch._negativeCount = negativeCount;
    sketch._count = data.n;
    sketch._sum = data.sum;
    if (data.n > 0) {
      sketch._min = data.min ?? Infinity;
      sketch._max = data.max ?? -Infinity;
    }
    return sketch;
  }

  private _key(magnitude: number): number {
    return Math.ceil(Math.log(magnitude) / this._logGamma);
  }

  private _bucketValue(key: number): number {
    return (2 * Math.pow(this._gamma, key)) / (this._gamma + 1);
  }

  /** The value of the element at 0-based `rank` in sorted order, clamped to the exact min and max. */
  private _valueAtRank(rank: number): number {
    if (rank <= 0) return this._min;
    if (rank >= this._count - 1) return this._max;
    let seen = 0;
    if (rank < this._negativeCount) {
      // Most negative first: largest magnitude key first.
      for (const key of sortedKeys(this._negative, true)) {
        seen += this._negative.get(key) ?? 0;
        if (seen > rank) return clamp(-this._bucketValue(key), this._min, this._max);
      }
    }
    seen = this._negativeCount;
    if (rank < seen + this._zeros) return 0;
    seen += this._zeros;
    for (const key of sortedKeys(this._positive, false)) {
      seen += this._positive.get(key) ?? 0;
      if (seen > rank) return clamp(this._bucketValue(key), this._min, this._max);
    }
    return this._max;
  }
}

function increment(map: Map<number, number>, key: number, n: number): void {
  map.set(key, (map.get(key) ?? 0) + n);
}

function sumValues(map: Map<number, number>): number {
  let total = 0;
  for (const n of map.values()) total += n;
  return total;
}

function sortedKeys(map: Map<number, number>, descending: boolean): number[] {
  const keys = [...map.keys()];
  return descending ? keys.sort((a, b) => b - a) : keys.sort((a, b) => a - b);
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

function encodeBuckets(map: Map<number, number>): number[] {
  const out: number[] = [];
  let previous = 0;
  for (const key of sortedKeys(map, false)) {
    out.push(out.length === 0 ? key : key - previous, map.get(key) ?? 0);
    previous = key;
  }
  return out;
}

function decodeBuckets(flat: readonly number[], into: Map<number, number>): void {
  let key = 0;
  for (let i = 0; i < flat.length; i += 2) {
    key = i === 0 ? (flat[i] ?? 0) : key + (flat[i] ?? 0);
    into.set(key, flat[i + 1] ?? 0);
  }
}
