import { describe, it, expect } from 'vitest';
import { parseThreshold, parseThresholdExpression, parseThresholdKey, ThresholdSyntaxError } from './parse.js';

describe('parseThresholdExpression', () => {
  it.each([
    ['p(95)<150', { kind: 'p', percentile: 95 }, '<', 150],
    ['p(99.9) <= 2.5', { kind: 'p', percentile: 99.9 }, '<=', 2.5],
    [' p( 100 )>=0 ', { kind: 'p', percentile: 100 }, '>=', 0],
    ['avg<200', { kind: 'avg' }, '<', 200],
    ['min > 1', { kind: 'min' }, '>', 1],
    ['max<0.8', { kind: 'max' }, '<', 0.8],
    ['med==3', { kind: 'med' }, '==', 3],
    ['count===10', { kind: 'count' }, '===', 10],
    ['rate>0.99', { kind: 'rate' }, '>', 0.99],
    ['value!=-1', { kind: 'value' }, '!=', -1],
    ['sum<1e6', { kind: 'sum' }, '<', 1_000_000],
  ] as const)('%s', (source, aggregation, operator, value) => {
    expect(parseThresholdExpression(source)).toEqual({ source, aggregation, operator, value });
  });

  it.each([
    ['p95<150', /expected AGGREGATION OPERATOR NUMBER/],
    ['p(0)<1', /0 < N ≤ 100/],
    ['p(100.5)<1', /0 < N ≤ 100/],
    ['avg<', /invalid threshold/],
    ['avg=<3', /invalid threshold/],
    ['mean<3', /aggregation one of avg, min, max, med, p\(N\), value, count, sum, rate/],
    ['avg<abc', /invalid threshold/],
    ['', /invalid threshold/],
  ])('rejects %j', (source, message) => {
    expect(() => parseThresholdExpression(source)).toThrow(message);
  });

  it.each([
    ['rate', 'rate>0.9', true],
    ['rate', 'p(95)<1', false],
    ['rate', 'avg<1', false],
    ['counter', 'count>1', true],
    ['counter', 'rate<5', true],
    ['counter', 'max<5', false],
    ['trend', 'p(95)<1', true],
    ['trend', 'rate<1', false],
    ['gauge', 'max<0.8', true],
    ['gauge', 'value<0.8', true],
    ['gauge', 'rate<0.8', false],
  ] as const)('%s metric with %s → allowed %s', (type, source, allowed) => {
    if (allowed) expect(parseThresholdExpression(source, type).source).toBe(source);
    else expect(() => parseThresholdExpression(source, type)).toThrow(`does not apply to a ${type} metric`);
  });
});

describe('parseThresholdKey', () => {
  it.each([
    ['webrtc_rtt_ms', 'webrtc_rtt_ms', {}],
    ['webrtc_rtt_ms{bridge:jvb-1}', 'webrtc_rtt_ms', { bridge: 'jvb-1' }],
    ['jvb_stress{ bridge : jvb-0 , scenario:10x3 }', 'jvb_stress', { bridge: 'jvb-0', scenario: '10x3' }],
    ['custom_query_total', 'custom_query_total', {}],
    ['bot_join_time_ms{conference:room-01}', 'bot_join_time_ms', { conference: 'room-01' }],
  ])('%s', (key, metric, tagFilter) => {
    expect(parseThresholdKey(key)).toEqual({ metric, tagFilter });
  });

  it.each([
    ['Bad-Metric', /invalid metric name/],
    ['webrtc_rtt_ms{}', /empty tag selector/],
    ['webrtc_rtt_ms{bridge}', /invalid tag selector "bridge"/],
    ['webrtc_rtt_ms{bridge:}', /invalid tag selector/],
    ['webrtc_rtt_ms{bridge:a', /invalid threshold key/],
  ])('rejects %s', (key, message) => {
    expect(() => parseThresholdKey(key)).toThrow(message);
  });
});

describe('parseThreshold', () => {
  it('builds a definition from the string form', () => {
    expect(parseThreshold('webrtc_rtt_ms{bridge:jvb-1}', 'p(95)<150')).toEqual({
      key: 'webrtc_rtt_ms{bridge:jvb-1}',
      metric: 'webrtc_rtt_ms',
      tagFilter: { bridge: 'jvb-1' },
      expression: { source: 'p(95)<150', aggregation: { kind: 'p', percentile: 95 }, operator: '<', value: 150 },
      abortOnFail: false,
      delayAbortEvalMs: 0,
    });
  });

  it('builds a definition from the object form', () => {
    const definition = parseThreshold('jvb_stress', { threshold: 'max<0.8', abortOnFail: true, delayAbortEval: '10s' });
    expect(definition.abortOnFail).toBe(true);
    expect(definition.delayAbortEvalMs).toBe(10_000);
  });

  it.each([
    ['bot_join_success', 'p(95)<1', 'expression'],
    ['BadName', 'avg<1', 'key'],
    ['webrtc_rtt_ms', 'p(95)<<1', 'expression'],
  ] as const)('%s %s fails in the %s', (key, source, part) => {
    let caught: unknown;
    try {
      parseThreshold(key, source);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ThresholdSyntaxError);
    expect((caught as ThresholdSyntaxError).part).toBe(part);
  });
});
