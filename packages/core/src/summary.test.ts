import { describe, expect, it } from 'vitest';
import { MetricRegistry } from './metrics/registry.js';
import type { Sample } from './metrics/sample.js';
import { type Summary, buildSummary } from './summary.js';
import type { ThresholdDefinition, ThresholdResult } from './thresholds/types.js';

const s = (metric: string, value: number, time = 0, tags: Record<string, string> = {}): Sample => ({ metric, value, time, tags });

function registry(): MetricRegistry {
  const r = new MetricRegistry();
  for (let i = 1; i <= 100; i++) r.add(s('webrtc_rtt_ms', i, i));
  for (let i = 0; i < 30; i++) r.add(s('bot_join_success', i < 29 ? 1 : 0));
  r.add(s('jvb_stress', 0.4, 1000, { bridge: 'jvb-1' }));
  r.add(s('jvb_stress', 0.8, 2000, { bridge: 'jvb-2' }));
  r.add(s('jvb_stress', 0.6, 3000, { bridge: 'jvb-1' }));
  r.add(s('webrtc_quality_limitation', 30, 0, { reason: 'cpu' }));
  r.add(s('agent_memory_bytes', 1.5e9, 0));
  r.add(s('webrtc_rtt_ms', NaN));
  return r;
}

function result(key: string, source: string, aggregation: ThresholdDefinition['expression']['aggregation'], observed: number | undefined, passed: boolean): ThresholdResult {
  const metric = key.split('{')[0] ?? key;
  return {
    definition: { key, metric, tagFilter: {}, expression: { source, aggregation, operator: '<', value: 0 }, abortOnFail: false, delayAbortEvalMs: 0 },
    observed,
    passed,
  };
}

const thresholds = [
  result('webrtc_rtt_ms', 'p(95)<150', { kind: 'p', percentile: 95 }, 95.05, true),
  result('webrtc_rtt_ms', 'max<50', { kind: 'max' }, 100, false),
  result('bot_join_success', 'rate>0.99', { kind: 'rate' }, 29 / 30, false),
  result('webrtc_jitter_ms', 'avg<30', { kind: 'avg' }, undefined, false),
];

const meta = { scenario: '10x3', runId: 'r-42', startedAt: 1_700_000_000_000, durationMs: 300_000, status: 'thresholds-failed' as const };

function summary(): Summary {
  return buildSummary(registry(), thresholds, { planned: 30, joined: 29, failed: 1 }, meta);
}

describe('buildSummary', () => {
  it('summarises each metric by its type', () => {
    const { metrics } = summary();
    expect(Object.keys(metrics)).toEqual(['agent_memory_bytes', 'bot_join_success', 'jvb_stress', 'webrtc_quality_limitation', 'webrtc_rtt_ms']);
    expect(metrics.bot_join_success).toEqual({ type: 'rate', unit: '', rate: 29 / 30, passes: 29, fails: 1 });
    expect(metrics.webrtc_quality_limitation).toEqual({ type: 'counter', unit: 'count', count: 30, rate: 0.1 });
    const rtt = metrics.webrtc_rtt_ms;
    expect(rtt).toMatchObject({ type: 'trend', unit: 'ms', count: 100, avg: 50.5, min: 1, max: 100 });
    expect(rtt && 'value' in rtt).toBe(false);
    for (const [key, exact] of [['med', 50.5], ['p(90)', 90.1], ['p(95)', 95.05]] as const) {
      const got = rtt?.type === 'trend' ? rtt[key] : NaN;
      expect(Math.abs(got - exact), key).toBeLessThanOrEqual(0.01 * exact);
    }
    expect(metrics.jvb_stress).toMatchObject({ type: 'gauge', value: 0.6, min: 0.4, max: 0.8, count: 3 });
  });

  it('records thresholds, bots, meta and dropped samples as plain JSON', () => {
    const built = summary();
    expect(built.thresholds).toEqual([
      { key: 'webrtc_rtt_ms', expression: 'p(95)<150', aggregation: 'p(95)', unit: 'ms', passed: true, observed: 95.05 },
      { key: 'webrtc_rtt_ms', expression: 'max<50', aggregation: 'max', unit: 'ms', passed: false, observed: 100 },
      { key: 'bot_join_success', expression: 'rate>0.99', aggregation: 'rate', unit: '', passed: false, observed: 29 / 30 },
      { key: 'webrtc_jitter_ms', expression: 'avg<30', aggregation: 'avg', unit: 'ms', passed: false, observed: null },
    ]);
    expect(built.bots).toEqual({ planned: 30, joined: 29, failed: 1 });
    expect(built.meta).toEqual(meta);
    expect(built.droppedSamples).toBe(1);
    expect(JSON.parse(JSON.stringify(built))).toEqual(built);
  });

  it('has no metrics and no thresholds for an empty run', () => {
    const empty = buildSummary(new MetricRegistry(), [], { planned: 0, joined: 0, failed: 0 }, meta);
    expect([empty.metrics, empty.thresholds, empty.droppedSamples]).toEqual([{}, [], 0]);
  });
});
