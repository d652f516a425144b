import { MetricRegistry } from '../metrics/registry.js';
import type { Sample } from '../metrics/sample.js';
import { type Summary, buildSummary } from '../summary.js';
import type { ThresholdDefinition, ThresholdResult } from '../thresholds/types.js';

/**
 * One run's worth of metrics and thresholds for tests of the summary and what formats it: a trend
 * (RTT 1..100 ms), a rate (29 of 30 joins), gauges on two bridges, a counter, bytes, a dropped NaN.
 */
const s = (metric: string, value: number, time = 0, tags: Record<string, string> = {}): Sample => ({ metric, value, time, tags });

export function summaryRegistry(): MetricRegistry {
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

export const summaryThresholds = [
  result('webrtc_rtt_ms', 'p(95)<150', { kind: 'p', percentile: 95 }, 95.05, true),
  result('webrtc_rtt_ms', 'max<50', { kind: 'max' }, 100, false),
  result('bot_join_success', 'rate>0.99', { kind: 'rate' }, 29 / 30, false),
  result('webrtc_jitter_ms', 'avg<30', { kind: 'avg' }, undefined, false),
];

export const summaryMeta = { scenario: '10x3', runId: 'r-42', startedAt: 1_700_000_000_000, durationMs: 300_000, status: 'thresholds-failed' as const };

export function sampleSummary(): Summary {
  return buildSummary(summaryRegistry(), summaryThresholds, { planned: 30, joined: 29, failed: 1 }, summaryMeta);
}

