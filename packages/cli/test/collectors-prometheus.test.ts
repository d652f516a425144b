import { startServerCollectors, type ServerCollectors } from '@jlt/agents';
import { collectSchema, type Logger, type RunEvent, type Sample } from '@jlt/core';
import { startTestbed, type Testbed } from '@jlt/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './cli-harness.js';
import { startPrometheus, type RunningPrometheus } from './prometheus-harness.js';

/*
 * End to end: the testbed's bridges serve /metrics with their process' CPU and memory, Debian's real
 * Prometheus scrapes them every second, and the server collectors query it back (and poll the bridges'
 * REST surfaces) on the run clock.
 */

describe('server collectors against the testbed and a real Prometheus', () => {
  const logs: string[] = [];
  const logger: Logger = { log: (level, message) => void logs.push(`${level} ${message}`) };
  let testbed: Testbed | undefined;
  let prometheus: RunningPrometheus | undefined;
  let prometheusUrl = '';

  beforeAll(async () => {
    testbed = await startTestbed({ bridges: 2, octo: true, logger, statsIntervalMs: 1_000 });
    const targets = testbed.bridges.map((b) => `'${new URL(b.restUrl).host}'`).join(', ');
    prometheus = await startPrometheus(() => ['  - job_name: testbed', '    metrics_path: /metrics', '    static_configs:', `      - targets: [${targets}]`]);
    prometheusUrl = prometheus.url;
  });

  afterAll(async () => {
    await prometheus?.stop();
    await testbed?.stop();
  });

  it('returns per-bridge process CPU and memory series through the collector, tagged with the bridge', async () => {
    const bed = testbed as Testbed;
    const samples: Sample[] = [];
    const events: RunEvent[] = [];
    let collectors: ServerCollectors | undefined;
    try {
      collectors = await startServerCollectors({
        scenario: 'prometheus-e2e',
        collect: collectSchema.parse({
          jvb: { interval: '1s' },
          prometheus: {
            url: prometheusUrl,
            interval: '1s',
            queries: {
              pod_cpu_cores: 'rate(process_cpu_seconds_total{job="testbed"}[5s])',
              pod_memory_bytes: 'process_resident_memory_bytes{job="testbed"}',
            },
          },
        }),
        bridges: { kind: 'testbed', bridges: bed.bridges },
        env: {},
        now: Date.now,
        sink: { samples: (s) => void samples.push(...s), events: (e) => void events.push(...e), placement: () => {} },
        logger,
        signal: new AbortController().signal,
      });
      const bridgesWith = (metric: string): Set<string> => new Set(samples.filter((s) => s.metric === metric).map((s) => s.tags.bridge ?? '?'));
      await waitFor(
        () => ['pod_cpu_cores', 'pod_memory_bytes', 'jvb_stress'].every((m) => bridgesWith(m).size === 2),
        40_000,
        'pod series for both bridges',
      );
    } finally {
      await collectors?.stop();
    }

    const ids = bed.bridges.map((b) => b.id).sort();
    for (const metric of ['pod_cpu_cores', 'pod_memory_bytes', 'jvb_local_endpoints']) {
      expect([...new Set(samples.filter((s) => s.metric === metric).map((s) => s.tags.bridge))].sort()).toEqual(ids);
    }
    const memory = samples.filter((s) => s.metric === 'pod_memory_bytes');
    // The testbed's own resident memory: a Node process, so tens of MB to a few GB.
    expect(memory.every((s) => s.value > 10e6 && s.value < 8e9)).toBe(true);
    expect(memory.every((s) => s.tags.scenario === 'prometheus-e2e' && !('job' in s.tags) && s.meta === undefined)).toBe(true);
    const cpu = samples.filter((s) => s.metric === 'pod_cpu_cores');
    expect(cpu.every((s) => s.value >= 0 && s.value < 64)).toBe(true);
    // Prometheus evaluation times, on the same epoch-ms clock as everything else and within this test.
    const started = Math.min(...samples.map((s) => s.time));
    expect(Date.now() - started).toBeLessThan(60_000);
    const times = memory.filter((s) => s.tags.bridge === ids[0]).map((s) => s.time);
    expect(new Set(times).size).toBe(times.length);
    expect(events.filter((e) => e.kind === 'collector-error')).toEqual([]);
  });
});
