import { describe, expect, it } from 'vitest';
import { MetricRegistry } from './metrics/registry.js';
import { buildSummary } from './summary.js';
import { sampleSummary as summary, summaryMeta as meta } from './test-support/summary-fixture.js';

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
