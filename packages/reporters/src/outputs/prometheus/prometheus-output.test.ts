import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { uncompress } from 'snappyjs';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_OUTPUTS, type Logger, type Plan, type RunInfo, type Sample } from '@jlt/core';
import { until } from '@jlt/core/test-support';
import { PrometheusOutput, type PrometheusOutputOptions } from './prometheus-output.js';

/* A local remote-write receiver: decodes snappy (an independent implementation) and protobuf. */

interface DecodedSeries {
  labels: Record<string, string>;
  /** Label names in the order they were sent. */
  order: string[];
  samples: { value: number; timestamp: number }[];
}

interface Received {
  headers: IncomingMessage['headers'];
  series: DecodedSeries[];
}

function decodeWriteRequest(bytes: Uint8Array): DecodedSeries[] {
  const series: DecodedSeries[] = [];
  for (const field of fields(bytes)) {
    if (field.number !== 1 || !(field.value instanceof Uint8Array)) continue;
    const decoded: DecodedSeries = { labels: {}, order: [], samples: [] };
    for (const part of fields(field.value)) {
      if (!(part.value instanceof Uint8Array)) continue;
      if (part.number === 1) {
        let name = '';
        let value = '';
        for (const f of fields(part.value)) {
          const text = Buffer.from(f.value as Uint8Array).toString('utf8');
          if (f.number === 1) name = text;
          else value = text;
        }
        decoded.labels[name] = value;
        decoded.order.push(name);
      } else if (part.number === 2) {
        let value = 0;
        let timestamp = 0;
        for (const f of fields(part.value)) {
          if (f.number === 1) value = Buffer.from(f.value as Uint8Array).readDoubleLE(0);
          else timestamp = f.value as number;
        }
        decoded.samples.push({ value, timestamp });
      }
    }
    series.push(decoded);
  }
  return series;
}

function* fields(bytes: Uint8Array): Generator<{ number: number; value: number | Uint8Array }> {
  let at = 0;
  const varint = (): number => {
    let result = 0;
    let factor = 1;
    for (;;) {
      const byte = bytes[at++]!;
      result += (byte & 0x7f) * factor;
      if (byte < 0x80) return result;
      factor *= 128;
    }
  };
  while (at < bytes.length) {
    const tag = varint();
    const wireType = tag & 7;
    if (wireType === 0) yield { number: tag >>> 3, value: varint() };
    else if (wireType === 1) {
      yield { number: tag >>> 3, value: bytes.subarray(at, at + 8) };
      at += 8;
    } else if (wireType === 2) {
      const length = varint();
      yield { number: tag >>> 3, value: bytes.subarray(at, at + length) };
      at += length;
    } else throw new Error(`unexpected wire type ${wireType}`);
  }
}

type Answer = (request: IncomingMessage, response: ServerResponse) => boolean;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** `answer` may write its own response (and return true); otherwise the request is accepted with 204. */
async function receiver(answer: Answer = () => false): Promise<{ url: string; received: Received[]; requests: () => number }> {
  const received: Received[] = [];
  let requests = 0;
  server = createServer((request, response) => {
    requests++;
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      if (answer(request, response)) return;
      received.push({ headers: request.headers, series: decodeWriteRequest(uncompress(Buffer.concat(chunks))) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`, received, requests: () => requests };
}

const plan: Plan = { scenario: 's', executor: 'conference-grid', conferences: [], bots: [], rampUpMs: 0, holdMs: 0, totalMs: 0 };
const run: RunInfo = { runId: 'run-1', scenario: 'smoke', startedAt: 0, plan };

function logs(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => lines.push(`${level}: ${message}`) };
}

function output(url: string, overrides: Partial<PrometheusOutputOptions> = {}, env: Record<string, string> = {}, logger = logs()) {
  // Timeouts with room for a loaded machine; the down/slow tests set their own short ones.
  const options = BUILTIN_OUTPUTS.prometheus.options.parse({ url, flushInterval: 50, timeout: 3_000, ...overrides });
  let now = 1_700_000_000_000;
  return { output: new PrometheusOutput(options, { logger, now: () => (now += 10), env }), logger };
}

const tags = { scenario: 'smoke', agent: 'a1', bridge: 'jvb-1', conference: 'c1' };
const sample = (metric: string, value: number, time: number, extra: Record<string, string> = {}): Sample => ({
  metric,
  value,
  time,
  tags: { ...tags, ...extra },
  meta: { bot: 'bot-1' },
});

const seriesNamed = (received: Received[], name: string, labels: Record<string, string> = {}): DecodedSeries[] =>
  received.flatMap((r) => r.series).filter((s) => s.labels.__name__ === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('PrometheusOutput', () => {
  it('sends remote write 1.0 with its headers, sorted labels, base units and no bot ids', async () => {
    const { url, received } = await receiver();
    const { output: out } = output(url, { tenant: 'team-a', labels: { env: 'ci' }, auth: { bearerTokenEnv: 'RW_TOKEN' } }, { RW_TOKEN: 's3cret' });
    await out.start(run);
    out.addSamples([sample('webrtc_rtt_ms', 12, 1_700_000_000_100), sample('webrtc_rtt_ms', 180, 1_700_000_000_200), sample('jvb_stress', 0.25, 1_700_000_000_300, { agent: '' })]);
    await until(() => seriesNamed(received, 'jlt_jvb_stress_ratio').length > 0, 5_000, 'the first write');
    await out.stop();

    const headers = received[0]!.headers;
    expect(headers['content-encoding']).toBe('snappy');
    expect(headers['content-type']).toBe('application/x-protobuf');
    expect(headers['x-prometheus-remote-write-version']).toBe('0.1.0');
    expect(headers['user-agent']).toMatch(/^jlt/);
    expect(headers['x-scope-orgid']).toBe('team-a');
    expect(headers.authorization).toBe('Bearer s3cret');

    for (const s of received.flatMap((r) => r.series)) {
      expect(s.order).toEqual([...s.order].sort());
      expect(Object.keys(s.labels)).not.toContain('bot');
      expect(Object.values(s.labels)).not.toContain('bot-1');
    }
    const stress = seriesNamed(received, 'jlt_jvb_stress_ratio')[0]!;
    expect(stress.labels).toEqual({ __name__: 'jlt_jvb_stress_ratio', run_id: 'run-1', env: 'ci', scenario: 'smoke', bridge: 'jvb-1', conference: 'c1' });
    expect(stress.samples).toEqual([{ value: 0.25, timestamp: 1_700_000_000_300 }]);

    // Trends are cumulative histograms in seconds: 12 ms ≤ 0.015 s, 180 ms ≤ 0.2 s.
    const last = (le: string): number => seriesNamed(received, 'jlt_webrtc_rtt_seconds_bucket', { le }).at(-1)!.samples.at(-1)!.value;
    expect([last('0.01'), last('0.015'), last('0.15'), last('0.2'), last('+Inf')]).toEqual([0, 1, 1, 2, 2]);
    expect(seriesNamed(received, 'jlt_webrtc_rtt_seconds_count').at(-1)!.samples.at(-1)!.value).toBe(2);
    expect(seriesNamed(received, 'jlt_webrtc_rtt_seconds_sum').at(-1)!.samples.at(-1)!.value).toBeCloseTo(0.192);
    expect(out.sampleCounts).toEqual({ written: 3, dropped: 0 });
  });

  it('writes rates as passes and fails counters and counters as running totals, each series in time order', async () => {
    const { url, received } = await receiver();
    const { output: out } = output(url);
    await out.start(run);
    out.addSamples([sample('bot_join_success', 1, 1), sample('webrtc_quality_limitation', 1, 2, { reason: 'cpu' })]);
    await until(() => received.length >= 1, 5_000, 'the first write');
    out.addSamples([
      sample('bot_join_success', 0, 3),
      sample('webrtc_quality_limitation', 1, 4, { reason: 'cpu' }),
      sample('agent_cpu_cores', 0.7, 1_000, { bridge: '', conference: '' }),
      sample('agent_cpu_cores', 0.5, 900, { bridge: '', conference: '' }),
      sample('agent_cpu_cores', 0.6, 1_000, { bridge: '', conference: '' }),
    ]);
    await out.stop();
    expect(seriesNamed(received, 'jlt_bot_join_success_passes_total').at(-1)!.samples.at(-1)!.value).toBe(1);
    expect(seriesNamed(received, 'jlt_bot_join_success_fails_total').at(-1)!.samples.at(-1)!.value).toBe(1);
    expect(seriesNamed(received, 'jlt_webrtc_quality_limitation_total', { reason: 'cpu' }).at(-1)!.samples.at(-1)!.value).toBe(2);
    // Out of arrival order, and two samples in one millisecond: sorted, the later one kept.
    expect(seriesNamed(received, 'jlt_agent_cpu_cores').flatMap((s) => s.samples)).toEqual([
      { value: 0.5, timestamp: 900 },
      { value: 0.6, timestamp: 1_000 },
    ]);
    // A cumulative series starts with a zero just before its first sample, so rate() sees the first increment.
    expect(seriesNamed(received, 'jlt_bot_join_success_passes_total')[0]!.samples.map((s) => s.value)).toEqual([0, 1]);
    expect(seriesNamed(received, 'jlt_bot_join_success_passes_total')[0]!.samples[0]!.timestamp).toBe(0);
    expect(seriesNamed(received, 'jlt_bot_join_success_passes_total').slice(1).every((s) => s.samples.length === 1)).toBe(true);
    const times = seriesNamed(received, 'jlt_bot_join_success_passes_total').flatMap((s) => s.samples.map((sample) => sample.timestamp));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(new Set(times).size).toBe(times.length);
  });

  it('bounds requests by maxSamplesPerRequest', async () => {
    const { url, received } = await receiver();
    const { output: out } = output(url, { maxSamplesPerRequest: 10 });
    await out.start(run);
    out.addSamples(Array.from({ length: 25 }, (_, i) => sample('agent_memory_bytes', i, 100 + i)));
    await out.stop();
    const sizes = received.map((r) => r.series.reduce((n, s) => n + s.samples.length, 0));
    expect(Math.max(...sizes)).toBe(10);
    expect(seriesNamed(received, 'jlt_agent_memory_bytes').flatMap((s) => s.samples).map((s) => s.value)).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('retries 5xx and 429 with backoff, and counts what it finally wrote', async () => {
    let failures = 0;
    const { url, received, requests } = await receiver((_request, response) => {
      if (failures >= 3) return false;
      failures++;
      response.writeHead(failures === 2 ? 429 : 503, failures === 2 ? { 'retry-after': '0' } : {}).end('overloaded');
      return true;
    });
    const { output: out, logger } = output(url, { flushInterval: 1_000, timeout: 6_000 });
    await out.start(run);
    out.addSamples([sample('agent_memory_bytes', 1, 5)]);
    await out.stop();
    expect(requests()).toBe(4);
    expect(seriesNamed(received, 'jlt_agent_memory_bytes')[0]!.samples).toEqual([{ value: 1, timestamp: 5 }]);
    expect(out.sampleCounts).toEqual({ written: 1, dropped: 0 });
    expect(logger.lines.filter((l) => l.startsWith('warn: prometheus output: cannot write'))).toHaveLength(0);
  });

  it('never retries another 4xx: reports it once, drops the batch and says so at stop', async () => {
    const { url, requests } = await receiver((_request, response) => {
      response.writeHead(400).end('out of order sample');
      return true;
    });
    const { output: out, logger } = output(url);
    await out.start(run);
    out.addSamples([sample('agent_memory_bytes', 1, 5)]);
    await until(() => requests() >= 1, 5_000, 'the first request');
    out.addSamples([sample('agent_memory_bytes', 2, 6)]);
    await out.stop();
    expect(requests()).toBe(2);
    const warnings = logger.lines.filter((l) => l.startsWith('warn: prometheus output: cannot write'));
    expect(warnings).toEqual([expect.stringContaining('HTTP 400: out of order sample')]);
    expect(out.sampleCounts).toEqual({ written: 0, dropped: 2 });
    expect(logger.lines.at(-1)).toMatch(/^warn: prometheus output: wrote 0 samples to .*, dropped 2 \(2 their write failed\)$/);
  });

  it.each([
    ['down (connection refused)', 'down'],
    ['slow (accepts, never answers)', 'slow'],
  ])('a destination that is %s costs addSamples nothing and stop at most one timeout', async (_name, kind) => {
    let url: string;
    if (kind === 'down') {
      const { url: up } = await receiver();
      url = up;
      server!.close();
      server = undefined;
    } else {
      ({ url } = await receiver(() => true));
    }
    const { output: out, logger } = output(url, { flushInterval: 100, timeout: 300 });
    await out.start(run);
    const batch = Array.from({ length: 2_000 }, (_, i) => sample('webrtc_rtt_ms', i % 200, i));
    const started = performance.now();
    for (let i = 0; i < 50; i++) out.addSamples(batch);
    // Generous for a loaded CI machine: writing would take seconds, buffering takes milliseconds.
    expect(performance.now() - started).toBeLessThan(1_000);
    const stopping = performance.now();
    await out.stop();
    expect(performance.now() - stopping).toBeLessThan(1_500);
    expect(out.sampleCounts).toEqual({ written: 0, dropped: 100_000 });
    expect(logger.lines.filter((l) => l.startsWith('warn: prometheus output: cannot write'))).toHaveLength(1);
  });

  it('reads secrets from the environment and refuses a missing one or a URL with credentials', () => {
    expect(() => output('http://127.0.0.1:9/api/v1/write', { auth: { basic: { username: 'u', passwordEnv: 'RW_PASSWORD' } } })).toThrow(
      /environment variable RW_PASSWORD \(named by outputs\.prometheus\.auth\.basic\.passwordEnv\) is not set/,
    );
    const parsed = BUILTIN_OUTPUTS.prometheus.options.safeParse({ url: 'http://user:pw@127.0.0.1:9/api/v1/write' });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/must not contain credentials/);
  });
});
