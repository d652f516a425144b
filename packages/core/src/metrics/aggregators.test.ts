import { describe, expect, it } from 'vitest';
import { JltError } from '../errors.js';
import type { Aggregation } from '../thresholds/types.js';
import type { MetricType } from './sample.js';
import { SUPPORTED_AGGREGATIONS, createAggregator, formatAggregation, isAggregationSupported } from './aggregators.js';

const p = (percentile: number): Aggregation => ({ kind: 'p', percentile });
const k = (kind: Exclude<Aggregation['kind'], 'p'>): Aggregation => ({ kind });

/** [value, time] pairs fed in order. */
const cases: {
  type: MetricType;
  samples: [number, number][];
  spanMs: number;
  expected: [Aggregation, number][];
}[] = [
  {
    type: 'counter',
    samples: [[1, 0], [2, 500], [3, 1000]],
    spanMs: 2000,
    expected: [[k('count'), 6], [k('sum'), 6], [k('rate'), 3]],
  },
  {
    type: 'gauge',
    samples: [[0.5, 1000], [0.9, 3000], [0.1, 2000], [0.3, 4000]],
    spanMs: 4000,
    expected: [[k('value'), 0.3], [k('min'), 0.1], [k('max'), 0.9], [k('avg'), 0.45], [k('count'), 4], [k('sum'), 1.8]],
  },
  {
    type: 'gauge',
    samples: [[5, 2000], [7, 1000]],
    spanMs: 1000,
    expected: [[k('value'), 5]],
  },
  {
    type: 'trend',
    samples: [[10, 0], [20, 1], [30, 2], [40, 3], [50, 4]],
    spanMs: 4,
    expected: [[k('avg'), 30], [k('min'), 10], [k('max'), 50], [k('count'), 5], [k('sum'), 150], [k('med'), 30], [p(0), 10], [p(100), 50], [k('value'), 50]],
  },
  {
    type: 'rate',
    samples: [[1, 0], [0, 1], [1, 2], [5, 3]],
    spanMs: 3,
    expected: [[k('rate'), 0.75], [k('count'), 4]],
  },
];

describe('aggregators', () => {
  describe.each(cases)('$type with $samples.length samples', ({ type, samples, spanMs, expected }) => {
    it.each(expected.map(([aggregation, value]) => ({ name: formatAggregation(aggregation), aggregation, value })))(
      '$name = $value',
      ({ aggregation, value }) => {
        const aggregator = createAggregator(type);
        for (const [v, t] of samples) aggregator.add(v, t);
        // Exact for everything but sketch quantiles, which are within the sketch's 1%.
        const got = aggregator.value(aggregation, spanMs) ?? NaN;
        expect(Math.abs(got - value), `got ${got}`).toBeLessThanOrEqual(0.01 * Math.abs(value) + 1e-9);
      },
    );

    it('merging a split equals aggregating everything', () => {
      const whole = createAggregator(type);
      const left = createAggregator(type);
      const right = createAggregator(type);
      samples.forEach(([v, t], i) => {
        whole.add(v, t);
        (i % 2 === 0 ? left : right).add(v, t);
      });
      left.merge(right);
      for (const [aggregation] of expected)
        expect(left.value(aggregation, spanMs)).toBeCloseTo(whole.value(aggregation, spanMs) ?? NaN, 9);
    });
  });

  it('trend percentiles interpolate between ranks like k6 (within the sketch accuracy)', () => {
    const trend = createAggregator('trend');
    for (const v of [10, 20, 30]) trend.add(v, 0);
    expect(trend.value(p(95), 0)).toBeCloseTo(29, 0);
    expect(Math.abs((trend.value(p(95), 0) ?? 0) - 29)).toBeLessThanOrEqual(0.01 * 30);
  });

  it.each(['counter', 'gauge', 'trend', 'rate'] as const)('an empty %s has no value', (type) => {
    const aggregation = { kind: SUPPORTED_AGGREGATIONS[type][0] } as Aggregation;
    expect(createAggregator(type).value(aggregation, 1000)).toBeUndefined();
  });

  it('a counter has no rate over an empty span', () => {
    const counter = createAggregator('counter');
    counter.add(3, 0);
    expect(counter.value(k('rate'), 0)).toBeUndefined();
  });

  it.each([
    { type: 'trend' as const, aggregation: k('rate'), message: 'rate is not defined for trend metrics; use one of: avg, min, max, med, p(N), value, count, sum' },
    { type: 'rate' as const, aggregation: p(95), message: 'p(95) is not defined for rate metrics; use one of: rate, count' },
    { type: 'counter' as const, aggregation: k('value'), message: 'value is not defined for counter metrics; use one of: count, sum, rate' },
    { type: 'gauge' as const, aggregation: k('rate'), message: 'rate is not defined for gauge metrics' },
  ])('$type rejects $aggregation.kind with a clear message', ({ type, aggregation, message }) => {
    expect(isAggregationSupported(type, aggregation)).toBe(false);
    const aggregator = createAggregator(type);
    aggregator.add(1, 0);
    expect(() => aggregator.value(aggregation, 1000)).toThrow(JltError);
    expect(() => aggregator.value(aggregation, 1000)).toThrow(message);
  });

  it('refuses to merge aggregators of different types', () => {
    expect(() => createAggregator('trend').merge(createAggregator('gauge'))).toThrow(/cannot merge a gauge aggregator into a trend/);
  });
});
