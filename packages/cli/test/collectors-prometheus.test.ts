import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerCollectors, type ServerCollectors } from '@jlt/agents';
import { collectSchema, type Logger, type RunEvent, type Sample } from '@jlt/core';
import { startTestbed, type Testbed } from '@jlt/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * End to end: the testbed's bridges serve /metrics with their process' CPU and memory, Debian's real
 * Prometheus scrapes them every second, and the server collectors query it back (and poll the bridges'
 * REST surfaces) on the run clock.
 */

const PROMETHEUS = '/usr/bin/prometheus';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(what: string, condition: () => boolean | Promise<boolean>, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`${what}: not reached within ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('server collectors against the testbed and a real Prometheus', () => {
  const logs: string[] = [];
  const logger: Logger = { log: (level, message) => void logs.push(`${level} ${message}`) };
  const dir = mkdtempSync(join(tmpdir(), 'jlt-prometheus-'));
  let testbed: Testbed | undefined;
  let prometheus: ChildProcess | undefined;
  let prometheusOutput = '';
  let prometheusUrl = '';

  beforeAll(async () => {
    testbed = await startTestbed({ bridges: 2, octo: true, logger, statsIntervalMs: 1_000 });
    const targets = testbed.bridges.map((b) => new URL(b.restUrl).host);
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: testbed',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--storage.tsdb.retention.time=1h'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (c: Buffer) => (prometheusOutput += c.toString()));
    prometheus.stderr?.on('data', (c: Buffer) => (prometheusOutput += c.toString()));
    await until(
      'Prometheus ready',
      async () => {
        if (prometheus?.exitCode !== null) throw new Error(`prometheus exited: ${prometheusOutput.slice(-2000)}`);
        return fetch(`${prometheusUrl}/-/ready`).then((r) => r.ok, () => false);
      },
      30_000,
    );
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (prometheus.exitCode === null) prometheus.kill('SIGKILL');
    }
    await testbed?.stop();
    rmSync(dir, { recursive: true, force: true });
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
      await until(
        'pod series for both bridges',
        () => ['pod_cpu_cores', 'pod_memory_bytes', 'jvb_stress'].every((m) => bridgesWith(m).size === 2),
        40_000,
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
