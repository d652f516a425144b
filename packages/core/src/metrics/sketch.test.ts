import { describe, expect, it } from 'vitest';
import { JltError } from '../errors.js';
import { QuantileSketch } from './sketch.js';
import { mulberry32 } from '../test-support/random.js';

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const distributions: { name: string; values: (random: () => number) => number[] }[] = [
  { name: 'uniform 0..1000', values: (r) => Array.from({ length: 5000 }, () => r() * 1000) },
  { name: 'lognormal', values: (r) => Array.from({ length: 5000 }, () => Math.exp(3 + 1.5 * gaussian(r))) },
  { name: 'constant', values: () => Array.from({ length: 1000 }, () => 42.5) },
  { name: 'with zeros', values: (r) => Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 0 : r() * 50)) },
  { name: 'negative and positive', values: (r) => Array.from({ length: 3000 }, () => (r() - 0.4) * 200) },
  { name: 'tiny and huge', values: (r) => Array.from({ length: 3000 }, () => Math.pow(10, r() * 18 - 9)) },
  { name: 'three values', values: () => [10, 20, 30] },
  { name: 'single value', values: () => [7] },
];

const quantiles = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

/** k6's percentile: linear interpolation between the two nearest ranks of the sorted values. */
function exactQuantile(sorted: readonly number[], q: number): { value: number; scale: number } {
  const rank = q * (sorted.length - 1);
  const lower = Math.floor(rank);
  const a = sorted[lower] ?? NaN;
  const b = sorted[Math.min(lower + 1, sorted.length - 1)] ?? NaN;
  return { value: a + (b - a) * (rank - lower), scale: Math.max(Math.abs(a), Math.abs(b)) };
}

function sketchOf(values: readonly number[], alpha?: number): QuantileSketch {
  const sketch = new QuantileSketch(alpha);
  for (const v of values) sketch.add(v);
  return sketch;
}

function expectWithinAlpha(sketch: QuantileSketch, values: readonly number[], alpha: number): void {
  const sorted = [...values].sort((a, b) => a - b);
  for (const q of quantiles) {
    const exact = exactQuantile(sorted, q);
    const estimate = sketch.quantile(q);
    expect(estimate, `q=${q}`).toBeDefined();
    expect(Math.abs((estimate ?? NaN) - exact.value), `q=${q} exact=${exact.value} got=${estimate}`).toBeLessThanOrEqual(
      alpha * exact.scale * (1 + 1e-9),
    );
  }
}

describe('QuantileSketch', () => {
  describe.each(distributions)('$name', ({ values: make }) => {
    const values = make(mulberry32(7));

    it.each([0.01, 0.05])('quantiles are within α=%s of the exact value', (alpha) => {
      expectWithinAlpha(sketchOf(values, alpha), values, alpha);
    });

    it('count, sum, min and max are exact', () => {
      const sketch = sketchOf(values);
      expect(sketch.count).toBe(values.length);
      expect(sketch.sum).toBe(values.reduce((a, b) => a + b, 0));
      expect(sketch.min).toBe(Math.min(...values));
      expect(sketch.max).toBe(Math.max(...values));
    });

    it('merging two halves equals sketching the union', () => {
      const split = Math.floor(values.length / 3);
      const merged = sketchOf(values.slice(0, split));
      merged.merge(sketchOf(values.slice(split)));
      const whole = sketchOf(values);
      expect(merged.toJSON()).toEqual({ ...whole.toJSON(), sum: merged.sum });
      expect(Math.abs(merged.sum - whole.sum)).toBeLessThanOrEqual(1e-12 * Math.abs(whole.sum) + 1e-9);
      expectWithinAlpha(merged, values, 0.01);
    });

    it('survives a JSON round trip unchanged', () => {
      const sketch = sketchOf(values);
      const copy = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(sketch.toJSON())));
      expect(copy.toJSON()).toEqual(sketch.toJSON());
      for (const q of quantiles) expect(copy.quantile(q)).toBe(sketch.quantile(q));
    });
  });

  it('an empty sketch has no quantile, min, max or average', () => {
    const sketch = new QuantileSketch();
    expect(sketch.quantile(0.5)).toBeUndefined();
    expect([sketch.min, sketch.max, sketch.avg, sketch.count, sketch.sum]).toEqual([undefined, undefined, undefined, 0, 0]);
    expect(QuantileSketch.fromJSON(sketch.toJSON()).count).toBe(0);
  });

  it.each([
    { name: 'empty into full', left: [1, 2, 3], right: [] as number[] },
    { name: 'full into empty', left: [] as number[], right: [1, 2, 3] },
    { name: 'empty into empty', left: [] as number[], right: [] as number[] },
  ])('merging $name keeps the values of the non-empty side', ({ left, right }) => {
    const merged = sketchOf(left);
    merged.merge(sketchOf(right));
    expect(merged.toJSON()).toEqual(sketchOf([...left, ...right]).toJSON());
  });

  it('refuses to merge sketches with different relative accuracy', () => {
    const a = sketchOf([1, 2], 0.01);
    expect(() => a.merge(sketchOf([3], 0.02))).toThrow(JltError);
    expect(() => a.merge(sketchOf([3], 0.02))).toThrow(/different relative accuracy \(0.01 and 0.02\)/);
    expect(a.count).toBe(2);
  });

  it('add with a repeat count equals adding one at a time', () => {
    const a = new QuantileSketch();
    a.add(5, 3);
    expect(a.toJSON()).toEqual(sketchOf([5, 5, 5]).toJSON());
  });

  it.each([NaN, Infinity, -Infinity])('rejects the non-finite value %s', (v) => {
    expect(() => new QuantileSketch().add(v)).toThrow(RangeError);
  });

  it.each([-0.1, 1.5, NaN])('rejects the quantile %s', (q) => {
    expect(() => sketchOf([1]).quantile(q)).toThrow(RangeError);
  });

  it.each([0, 1, -0.5])('rejects the relative accuracy %s', (alpha) => {
    expect(() => new QuantileSketch(alpha)).toThrow(RangeError);
  });

  it('stays compact: 5000 lognormal latencies fit in a few hundred numbers', () => {
    const random = mulberry32(3);
    const json = sketchOf(Array.from({ length: 5000 }, () => Math.exp(3 + gaussian(random)))).toJSON();
    expect(json.p.length).toBeLessThan(1000);
  });

  it.each([
    { name: 'odd bucket array', json: { a: 0.01, n: 1, sum: 1, min: 1, max: 1, z: 0, p: [3], m: [] }, error: /key\/count pairs/ },
    { name: 'count mismatch', json: { a: 0.01, n: 2, sum: 1, min: 1, max: 1, z: 0, p: [0, 1], m: [] }, error: /count 2 differs/ },
    { name: 'non-increasing keys', json: { a: 0.01, n: 2, sum: 2, min: 1, max: 1, z: 0, p: [0, 1, 0, 1], m: [] }, error: /strictly increasing/ },
    { name: 'zero count', json: { a: 0.01, n: 0, sum: 0, min: null, max: null, z: 0, p: [0, 0], m: [] }, error: /counts must be positive/ },
    { name: 'bad accuracy', json: { a: 2, n: 0, sum: 0, min: null, max: null, z: 0, p: [], m: [] }, error: /invalid sketch/ },
    { name: 'missing min', json: { a: 0.01, n: 1, sum: 0, min: null, max: null, z: 1, p: [], m: [] }, error: /min <= max/ },
    { name: 'not an object', json: 'sketch', error: /invalid sketch/ },
  ])('fromJSON rejects $name', ({ json, error }) => {
    expect(() => QuantileSketch.fromJSON(json)).toThrow(error);
  });
});
