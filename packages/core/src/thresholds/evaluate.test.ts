import { describe, expect, it } from 'vitest';
import { JltError } from '../errors.js';
import { MetricRegistry } from '../metrics/registry.js';
import type { Sample } from '../metrics/sample.js';
import { ThresholdEvaluator, compareThreshold, evaluateThresholds } from './evaluate.js';
import type { Aggregation, ThresholdDefinition, ThresholdOperator } from './types.js';

function definition(
  metric: string,
  aggregation: Aggregation,
  operator: ThresholdOperator,
  value: number,
  extra: Partial<ThresholdDefinition> = {},
): ThresholdDefinition {
  const name = aggregation.kind === 'p' ? `p(${aggregation.percentile})` : aggregation.kind;
  return {
    key: metric,
    metric,
    tagFilter: {},
    expression: { source: `${name}${operator}${value}`, aggregation, operator, value },
    abortOnFail: false,
    delayAbortEvalMs: 0,
    ...extra,
  };
}

function registryWith(samples: Sample[]): MetricRegistry {
  const registry = new MetricRegistry();
  registry.addAll(samples);
  return registry;
}

const s = (metric: string, value: number, tags: Record<string, string> = {}, time = 0): Sample => ({ metric, value, tags, time });

// RTT 1..100 ms on jvb-1; stress 0.2 → 0.6; 9 of 10 joins succeed; 12 quality-limitation events.
const samples: Sample[] = [
  ...Array.from({ length: 100 }, (_, i) => s('webrtc_rtt_ms', i + 1, { bridge: 'jvb-1' }, i)),
  s('webrtc_rtt_ms', 500, { bridge: 'jvb-2' }, 50),
  s('jvb_stress', 0.2, { bridge: 'jvb-1' }, 1000),
  s('jvb_stress', 0.8, { bridge: 'jvb-1' }, 2000),
  s('jvb_stress', 0.6, { bridge: 'jvb-1' }, 3000),
  ...Array.from({ length: 10 }, (_, i) => s('bot_join_success', i === 0 ? 0 : 1)),
  s('webrtc_quality_limitation', 5, { reason: 'cpu' }),
  s('webrtc_quality_limitation', 7, { reason: 'bandwidth' }),
];

const rtt1 = { tagFilter: { bridge: 'jvb-1' } };

describe('compareThreshold', () => {
  it.each([
    [1, '<', 2, true], [2, '<', 2, false],
    [2, '<=', 2, true], [3, '<=', 2, false],
    [3, '>', 2, true], [2, '>', 2, false],
    [2, '>=', 2, true], [1, '>=', 2, false],
    [2, '==', 2, true], [2.5, '==', 2, false],
    [2, '===', 2, true], [1, '===', 2, false],
    [1, '!=', 2, true], [2, '!=', 2, false],
  ] as const)('%s %s %s is %s', (observed, operator, value, expected) => {
    expect(compareThreshold(observed, operator, value)).toBe(expected);
  });
});

describe('evaluateThresholds', () => {
  const cases: { name: string; def: ThresholdDefinition; observed: number | undefined; passed: boolean }[] = [
    { name: 'trend avg', def: definition('webrtc_rtt_ms', { kind: 'avg' }, '<', 51, rtt1), observed: 50.5, passed: true },
    { name: 'trend min', def: definition('webrtc_rtt_ms', { kind: 'min' }, '>=', 1, rtt1), observed: 1, passed: true },
    { name: 'trend max, all bridges', def: definition('webrtc_rtt_ms', { kind: 'max' }, '<', 150), observed: 500, passed: false },
    { name: 'trend max, one bridge', def: definition('webrtc_rtt_ms', { kind: 'max' }, '<', 150, rtt1), observed: 100, passed: true },
    { name: 'trend count', def: definition('webrtc_rtt_ms', { kind: 'count' }, '==', 101), observed: 101, passed: true },
    { name: 'trend sum', def: definition('webrtc_rtt_ms', { kind: 'sum' }, '===', 5050, rtt1), observed: 5050, passed: true },
    { name: 'trend value is the latest', def: definition('webrtc_rtt_ms', { kind: 'value' }, '==', 100), observed: 100, passed: true },
    { name: 'gauge value', def: definition('jvb_stress', { kind: 'value' }, '<', 0.8), observed: 0.6, passed: true },
    { name: 'gauge max', def: definition('jvb_stress', { kind: 'max' }, '<', 0.8), observed: 0.8, passed: false },
    { name: 'gauge min', def: definition('jvb_stress', { kind: 'min' }, '!=', 0.2), observed: 0.2, passed: false },
    { name: 'rate', def: definition('bot_join_success', { kind: 'rate' }, '>', 0.99), observed: 0.9, passed: false },
    { name: 'rate count', def: definition('bot_join_success', { kind: 'count' }, '>=', 10), observed: 10, passed: true },
    { name: 'counter count', def: definition('webrtc_quality_limitation', { kind: 'count' }, '<=', 12), observed: 12, passed: true },
    { name: 'counter rate over elapsed', def: definition('webrtc_quality_limitation', { kind: 'rate' }, '<', 1), observed: 1.2, passed: false },
    { name: 'counter with tag filter', def: definition('webrtc_quality_limitation', { kind: 'sum' }, '<', 6, { tagFilter: { reason: 'cpu' } }), observed: 5, passed: true },
    { name: 'metric without samples fails', def: definition('webrtc_jitter_ms', { kind: 'avg' }, '<', 1000), observed: undefined, passed: false },
    { name: 'filter matching nothing fails', def: definition('webrtc_rtt_ms', { kind: 'max' }, '<', 1000, { tagFilter: { bridge: 'jvb-9' } }), observed: undefined, passed: false },
  ];

  it.each(cases)('$name', ({ def, observed, passed }) => {
    const [result] = evaluateThresholds([def], registryWith(samples), { elapsedMs: 10_000 });
    expect(result?.passed).toBe(passed);
    if (observed === undefined) expect(result?.observed).toBeUndefined();
    else expect(result?.observed).toBeCloseTo(observed, 9);
    expect(result?.definition).toBe(def);
  });

  it.each([
    { percentile: 50, expected: 50.5 },
    { percentile: 90, expected: 90.1 },
    { percentile: 95, expected: 95.05 },
    { percentile: 99, expected: 99.01 },
  ])('trend p($percentile) is within 1% of $expected', ({ percentile, expected }) => {
    const [result] = evaluateThresholds(
      [definition('webrtc_rtt_ms', { kind: 'p', percentile }, '<', 1000, rtt1)],
      registryWith(samples),
      { elapsedMs: 1 },
    );
    expect(Math.abs((result?.observed ?? NaN) - expected)).toBeLessThanOrEqual(0.01 * expected);
  });

  it('med equals p(50)', () => {
    const registry = registryWith(samples);
    const [med, p50] = evaluateThresholds(
      [definition('webrtc_rtt_ms', { kind: 'med' }, '<', 1), definition('webrtc_rtt_ms', { kind: 'p', percentile: 50 }, '<', 1)],
      registry,
      { elapsedMs: 1 },
    );
    expect(med?.observed).toBe(p50?.observed);
  });
});

describe('ThresholdEvaluator', () => {
  const abortOnStress = definition('jvb_stress', { kind: 'max' }, '<', 0.5, { abortOnFail: true, delayAbortEvalMs: 5000 });
  const plainRtt = definition('webrtc_rtt_ms', { kind: 'max' }, '<', 10);

  it.each([
    { name: 'before the abort delay', elapsedMs: 4999, samples: [s('jvb_stress', 0.9)], abort: [] as string[] },
    { name: 'after the abort delay', elapsedMs: 5000, samples: [s('jvb_stress', 0.9)], abort: ['jvb_stress'] },
    { name: 'while it passes', elapsedMs: 9000, samples: [s('jvb_stress', 0.1)], abort: [] },
    { name: 'without samples yet', elapsedMs: 9000, samples: [], abort: [] },
    { name: 'for a failing threshold without abortOnFail', elapsedMs: 9000, samples: [s('webrtc_rtt_ms', 50)], abort: [] },
  ])('poll $name aborts on $abort', ({ elapsedMs, samples: given, abort }) => {
    const evaluator = new ThresholdEvaluator([abortOnStress, plainRtt], registryWith(given));
    const poll = evaluator.poll({ elapsedMs });
    expect(poll.abort.map((r) => r.definition.key)).toEqual(abort);
    expect(poll.results).toHaveLength(2);
  });

  it('sees samples ingested between polls and gives the final verdict on all of them', () => {
    const registry = new MetricRegistry();
    const evaluator = new ThresholdEvaluator([plainRtt], registry);
    expect(evaluator.poll({ elapsedMs: 1000 }).results[0]?.passed).toBe(false);
    registry.add(s('webrtc_rtt_ms', 5));
    expect(evaluator.poll({ elapsedMs: 2000 }).results[0]?.passed).toBe(true);
    registry.add(s('webrtc_rtt_ms', 15));
    expect(evaluator.final({ elapsedMs: 3000 }).map((r) => [r.passed, r.observed])).toEqual([[false, 15]]);
  });

  it('refuses thresholds whose aggregation the metric type lacks, listing every one', () => {
    const bad = [
      definition('bot_join_success', { kind: 'p', percentile: 95 }, '<', 1),
      definition('webrtc_rtt_ms', { kind: 'rate' }, '<', 1),
      plainRtt,
    ];
    const build = (): ThresholdEvaluator => new ThresholdEvaluator(bad, new MetricRegistry());
    expect(build).toThrow(JltError);
    expect(build).toThrow(
      'threshold bot_join_success: p(95) is not defined for rate metrics; use one of: rate, count\n' +
        'threshold webrtc_rtt_ms: rate is not defined for trend metrics',
    );
  });
});
