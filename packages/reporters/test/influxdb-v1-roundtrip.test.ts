import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_OUTPUTS, type Plan, type Sample } from '@jlt/core';
import { freeLoopbackPort, until } from '@jlt/core/test-support';
import { InfluxdbOutput } from '../src/outputs/influxdb/influxdb-output.js';
import { startInfluxWriteServer, type InfluxWriteServer } from '../src/outputs/influxdb/influx-write-server.test-support.js';

/*
 * The line protocol the influxdb output produces, accepted by a real InfluxDB parser: the output
 * writes to the strict v2 server (no InfluxDB 2 can be installed here), and every body it sent is
 * written again to Debian's InfluxDB 1.x (`/write`) and read back with InfluxQL.
 */

let dir: string;
let influxd: ChildProcess;
let influxUrl: string;
let strict: InfluxWriteServer;
let output = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jlt-influxdb-'));
  const [httpPort, rpcPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
  influxUrl = `http://127.0.0.1:${httpPort}`;
  writeFileSync(
    join(dir, 'influxdb.conf'),
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[http]',
      `  bind-address = "127.0.0.1:${httpPort}"`,
      '  log-enabled = false',
      '[monitor]',
      '  store-enabled = false',
      '',
    ].join('\n'),
  );
  influxd = spawn('/usr/bin/influxd', ['-config', join(dir, 'influxdb.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  influxd.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  influxd.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  await until(
    async () => {
      if (influxd.exitCode !== null) throw new Error(`influxd exited: ${output.slice(-2000)}`);
      return fetch(`${influxUrl}/ping`).then((r) => r.status === 204, () => false);
    },
    30_000,
    'influxd to answer /ping',
    100,
  );
  await influxql('CREATE DATABASE jlt', 'POST');
  strict = await startInfluxWriteServer({ token: 't', org: 'o', buckets: ['b'] });
});

afterAll(async () => {
  await strict?.close();
  if (influxd?.exitCode === null) {
    const exited = new Promise((resolve) => influxd.once('exit', resolve));
    influxd.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (influxd.exitCode === null) influxd.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

interface InfluxqlSeries {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

async function influxql(q: string, method = 'GET'): Promise<InfluxqlSeries[]> {
  const response = await fetch(`${influxUrl}/query?db=jlt&epoch=u&q=${encodeURIComponent(q)}`, { method });
  const body = (await response.json()) as { results: { series?: InfluxqlSeries[]; error?: string }[] };
  if (!response.ok || body.results[0]?.error) throw new Error(`InfluxQL ${q}: ${response.status} ${JSON.stringify(body)}`);
  return body.results[0]?.series ?? [];
}

const plan: Plan = { scenario: 's', executor: 'conference-grid', conferences: [], bots: [], rampUpMs: 0, holdMs: 0, totalMs: 0 };
const T0 = 1_700_000_000_000;

describe('influxdb output line protocol in InfluxDB 1.x', () => {
  it('is accepted by /write and reads back with InfluxQL: names, tags with escapes, fields, times', async () => {
    const tags = { scenario: 'smoke', agent: 'a 1', bridge: 'jvb-1', conference: 'room a,b=c' };
    const samples: Sample[] = [
      ...Array.from({ length: 30 }, (_, i): Sample => ({ metric: 'webrtc_rtt_ms', value: 10 + i, time: T0 + Math.floor(i / 3) * 1000, tags, meta: { bot: `bot "${i % 3}"\\x`, endpoint: `e${i % 3}` } })),
      { metric: 'webrtc_recv_kbps', value: 812.5, time: T0, tags, meta: { bot: 'bot-1' } },
      { metric: 'jvb_stress', value: 0.25, time: T0, tags: { scenario: 'smoke', bridge: 'jvb-1' } },
      { metric: 'webrtc_quality_limitation', value: 1, time: T0, tags: { ...tags, reason: 'bandwidth' }, meta: { bot: 'bot-1' } },
    ];
    const out = new InfluxdbOutput(BUILTIN_OUTPUTS.influxdb.options.parse({ url: strict.url, org: 'o', bucket: 'b', tokenEnv: 'T', flushInterval: 50 }), {
      logger: { log: () => undefined },
      env: { T: 't' },
    });
    await out.start({ runId: 'run-7', scenario: 'smoke', startedAt: T0, plan });
    out.addSamples(samples);
    await out.stop();
    expect(out.sampleCounts).toEqual({ written: samples.length, dropped: 0 });

    // The 1.x API spells microseconds `u`.
    const v1Precision: Record<string, string> = { ns: 'ns', us: 'u', ms: 'ms', s: 's' };
    for (const request of strict.requests) {
      const response = await fetch(`${influxUrl}/write?db=jlt&precision=${v1Precision[request.precision]}`, { method: 'POST', body: request.body });
      expect(response.status, await response.text()).toBe(204);
    }

    const rtt = await influxql(`SELECT "value", "bot", "endpoint" FROM "jlt_webrtc_rtt_seconds" WHERE "conference" = 'room a,b=c' AND "run_id" = 'run-7'`);
    expect(rtt).toHaveLength(1);
    const rows = rtt[0]!.values;
    expect(rtt[0]!.columns).toEqual(['time', 'value', 'bot', 'endpoint']);
    // 30 samples, three per millisecond: all kept, a microsecond apart.
    expect(rows).toHaveLength(30);
    expect(rows.slice(0, 3)).toEqual([
      [T0 * 1000, 0.01, 'bot "0"\\x', 'e0'],
      [T0 * 1000 + 1, 0.011, 'bot "1"\\x', 'e1'],
      [T0 * 1000 + 2, 0.012, 'bot "2"\\x', 'e2'],
    ]);
    const tagValues = await influxql(`SHOW TAG VALUES FROM "jlt_webrtc_rtt_seconds" WITH KEY IN ("agent", "bridge", "conference", "run_id", "scenario")`);
    expect(tagValues[0]!.values).toEqual([
      ['agent', 'a 1'],
      ['bridge', 'jvb-1'],
      ['conference', 'room a,b=c'],
      ['run_id', 'run-7'],
      ['scenario', 'smoke'],
    ]);
    const p95 = await influxql(`SELECT PERCENTILE("value", 95) FROM "jlt_webrtc_rtt_seconds"`);
    expect(p95[0]!.values[0]![1]).toBeCloseTo(0.038);
    expect((await influxql(`SELECT "value" FROM "jlt_webrtc_recv_bits_per_second"`))[0]!.values[0]![1]).toBe(812_500);
    expect((await influxql(`SELECT "value" FROM "jlt_jvb_stress_ratio" WHERE "bridge" = 'jvb-1'`))[0]!.values[0]![1]).toBe(0.25);
    expect((await influxql(`SELECT "value" FROM "jlt_webrtc_quality_limitation" WHERE "reason" = 'bandwidth'`))[0]!.values).toHaveLength(1);
    // The strict server and InfluxDB read the same points.
    const strictRtt = strict.points.filter((p) => p.measurement === 'jlt_webrtc_rtt_seconds').map((p) => [Number(p.time / 1000n), p.fields.value, p.fields.bot, p.fields.endpoint]);
    expect(rows).toEqual(strictRtt);
  });
});
