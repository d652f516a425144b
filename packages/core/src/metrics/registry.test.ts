import { describe, expect, it } from 'vitest';
import { JltError } from '../errors.js';
import type { Aggregation } from '../thresholds/types.js';
import { MetricRegistry } from './registry.js';
import type { MetricType, Sample } from './sample.js';

const p95: Aggregation = { kind: 'p', percentile: 95 };

function sample(metric: string, value: number, tags: Record<string, string> = {}, time = 0): Sample {
  return { metric, value, time, tags };
}

describe('MetricRegistry', () => {
  it('keeps one series per metric and tag set, whatever the key order of the tags', () => {
    const registry = new MetricRegistry();
    registry.add(sample('webrtc_rtt_ms', 10, { bridge: 'jvb-1', agent: 'a1' }));
    registry.add(sample('webrtc_rtt_ms', 20, { agent: 'a1', bridge: 'jvb-1' }));
    registry.add(sample('webrtc_rtt_ms', 30, { agent: 'a1', bridge: 'jvb-2' }));
    const series = registry.series('webrtc_rtt_ms');
    expect(series.map((s) => [s.tags, s.aggregator.samples])).toEqual([
      [{ agent: 'a1', bridge: 'jvb-1' }, 2],
      [{ agent: 'a1', bridge: 'jvb-2' }, 1],
    ]);
    expect(Object.keys(series[0]?.tags ?? {})).toEqual(['agent', 'bridge']);
  });

  it('shares one tags object between metrics without mixing their series', () => {
    const registry = new MetricRegistry();
    const tags = { bridge: 'jvb-1' };
    registry.add(sample('jvb_stress', 0.1, tags));
    registry.add(sample('jvb_conferences', 2, tags));
    registry.add(sample('jvb_stress', 0.2, tags));
    expect(registry.series().map((s) => [s.metric, s.aggregator.samples])).toEqual([
      ['jvb_stress', 2],
      ['jvb_conferences', 1],
    ]);
  });

  const aggregateCases: {
    name: string;
    metric: string;
    filter: Record<string, string>;
    aggregation: Aggregation;
    expected: number | undefined;
  }[] = [
    { name: 'trend max over all bridges', metric: 'webrtc_rtt_ms', filter: {}, aggregation: { kind: 'max' }, expected: 300 },
    { name: 'trend max on one bridge', metric: 'webrtc_rtt_ms', filter: { bridge: 'jvb-1' }, aggregation: { kind: 'max' }, expected: 100 },
    { name: 'trend count on two tags', metric: 'webrtc_rtt_ms', filter: { bridge: 'jvb-2', agent: 'a2' }, aggregation: { kind: 'count' }, expected: 100 },
    { name: 'filter matching nothing', metric: 'webrtc_rtt_ms', filter: { bridge: 'jvb-9' }, aggregation: { kind: 'max' }, expected: undefined },
    { name: 'metric without samples', metric: 'webrtc_jitter_ms', filter: {}, aggregation: { kind: 'avg' }, expected: undefined },
    { name: 'rate over agents', metric: 'bot_join_success', filter: {}, aggregation: { kind: 'rate' }, expected: 0.75 },
    { name: 'rate on one agent', metric: 'bot_join_success', filter: { agent: 'a2' }, aggregation: { kind: 'rate' }, expected: 0.5 },
    { name: 'gauge value is the latest across bridges', metric: 'jvb_stress', filter: {}, aggregation: { kind: 'value' }, expected: 0.7 },
    { name: 'gauge max across bridges', metric: 'jvb_stress', filter: {}, aggregation: { kind: 'max' }, expected: 0.9 },
    { name: 'counter rate over the sample span', metric: 'webrtc_quality_limitation', filter: {}, aggregation: { kind: 'rate' }, expected: 4 / 10 },
  ];

  function filled(): MetricRegistry {
    const registry = new MetricRegistry();
    for (let i = 1; i <= 100; i++) {
      registry.add(sample('webrtc_rtt_ms', i, { bridge: 'jvb-1', agent: 'a1' }, 1000));
      registry.add(sample('webrtc_rtt_ms', 200 + i, { bridge: 'jvb-2', agent: 'a2' }, 1000));
    }
    for (const [agent, ok] of [['a1', 1], ['a1', 1], ['a2', 1], ['a2', 0]] as const)
      registry.add(sample('bot_join_success', ok, { agent }, 2000));
    registry.add(sample('jvb_stress', 0.9, { bridge: 'jvb-1' }, 3000));
    registry.add(sample('jvb_stress', 0.7, { bridge: 'jvb-2' }, 5000));
    registry.add(sample('jvb_stress', 0.2, { bridge: 'jvb-1' }, 4000));
    registry.add(sample('webrtc_quality_limitation', 1, { reason: 'cpu' }, 1000));
    registry.add(sample('webrtc_quality_limitation', 3, { reason: 'bandwidth' }, 11_000));
    return registry;
  }

  it.each(aggregateCases)('aggregate: $name', ({ metric, filter, aggregation, expected }) => {
    expect(filled().aggregate(metric, filter, aggregation)).toBe(expected);
  });

  it('merges the sketches of matching series rather than averaging their percentiles', () => {
    const registry = new MetricRegistry();
    for (let i = 0; i < 900; i++) registry.add(sample('webrtc_rtt_ms', 10, { bridge: 'jvb-1' }));
    for (let i = 0; i < 100; i++) registry.add(sample('webrtc_rtt_ms', 1000, { bridge: 'jvb-2' }));
    // The union's p(95) is 1000; the mean of the per-bridge p(95)s would be 505.
    expect(registry.aggregate('webrtc_rtt_ms', {}, p95)).toBeCloseTo(1000, 6);
  });

  it('uses the span it is given for counter rates', () => {
    expect(filled().aggregate('webrtc_quality_limitation', {}, { kind: 'rate' }, { spanMs: 2000 })).toBe(2);
  });

  it('types unknown metrics as trends unless declared', () => {
    const registry = new MetricRegistry();
    registry.declare('custom_errors', 'counter');
    registry.add(sample('custom_latency', 5));
    registry.add(sample('custom_errors', 2));
    registry.add(sample('custom_errors', 3));
    expect(registry.typeOf('custom_latency')).toBe('trend');
    expect(registry.typeOf('custom_errors')).toBe('counter');
    expect(registry.typeOf('jvb_stress')).toBe('gauge');
    expect(registry.aggregate('custom_errors', {}, { kind: 'count' })).toBe(5);
  });

  const redeclarations: { name: string; setup: (r: MetricRegistry) => void; metric: string; type: MetricType }[] = [
    { name: 'a known metric', setup: () => undefined, metric: 'webrtc_rtt_ms', type: 'gauge' },
    { name: 'a metric with samples', setup: (r) => void r.add(sample('custom_x', 1)), metric: 'custom_x', type: 'rate' },
    { name: 'a declared metric', setup: (r) => r.declare('custom_y', 'counter'), metric: 'custom_y', type: 'trend' },
  ];
  it.each(redeclarations)('refuses to redeclare $name with another type', ({ setup, metric, type }) => {
    const registry = new MetricRegistry();
    setup(registry);
    expect(() => registry.declare(metric, type)).toThrow(JltError);
  });

  it('drops non-finite values and counts them', () => {
    const registry = new MetricRegistry();
    expect(registry.add(sample('webrtc_rtt_ms', NaN))).toBe(false);
    expect(registry.add(sample('webrtc_rtt_ms', Infinity))).toBe(false);
    expect(registry.add(sample('webrtc_rtt_ms', 3, {}, 7))).toBe(true);
    expect([registry.sampleCount, registry.droppedCount]).toEqual([1, 2]);
    expect(registry.timeRange).toEqual({ first: 7, last: 7 });
  });

  it('asking a metric for an aggregation its type lacks is a JltError', () => {
    expect(() => filled().aggregate('bot_join_success', {}, p95)).toThrow(/p\(95\) is not defined for rate metrics/);
  });

  it('ingests 200k samples over a realistic series mix well under a second', () => {
    const registry = new MetricRegistry();
    const metrics = ['webrtc_rtt_ms', 'webrtc_recv_kbps', 'bot_join_success', 'jvb_stress', 'webrtc_quality_limitation'];
    // Fresh tag objects per sample, as decoded from agent JSON, so the identity cache cannot help.
    const batch: Sample[] = Array.from({ length: 200_000 }, (_, i) => ({
      metric: metrics[i % metrics.length] ?? 'webrtc_rtt_ms',
      value: (i % 997) + 0.5,
      time: 1_700_000_000_000 + i,
      tags: { agent: `a${i % 4}`, conference: `c${i % 30}`, bridge: `jvb-${i % 2}` },
    }));
    // CPU time of this process, not wall time: other engineers' browsers share the two cores.
    const started = process.cpuUsage();
    registry.addAll(batch);
    const used = process.cpuUsage(started);
    expect(registry.sampleCount).toBe(200_000);
    expect((used.user + used.system) / 1000).toBeLessThan(1000);
  });
});
