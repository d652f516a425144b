import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_OUTPUTS, type Logger, type Plan, type RunInfo, type Sample } from '@jlt/core';
import { until } from '@jlt/core/test-support';
import { InfluxdbOutput, type InfluxdbOutputOptions } from './influxdb-output.js';
import { startInfluxWriteServer, type InfluxWriteServer } from './influx-write-server.test-support.js';

const plan: Plan = { scenario: 's', executor: 'conference-grid', conferences: [], bots: [], rampUpMs: 0, holdMs: 0, totalMs: 0 };
const run: RunInfo = { runId: 'run-1', scenario: 'smoke', startedAt: 0, plan };
const T0 = 1_700_000_000_000;

let server: InfluxWriteServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function logs(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => lines.push(`${level}: ${message}`) };
}

async function setup(overrides: Partial<InfluxdbOutputOptions> = {}) {
  server = await startInfluxWriteServer({ token: 'tok-123', org: 'jitsi', buckets: ['load'] });
  const logger = logs();
  const options = BUILTIN_OUTPUTS.influxdb.options.parse({ url: server.url, org: 'jitsi', bucket: 'load', tokenEnv: 'INFLUX_TOKEN', flushInterval: 50, timeout: 3_000, ...overrides });
  const output = new InfluxdbOutput(options, { logger, env: { INFLUX_TOKEN: 'tok-123' } });
  await output.start(run);
  return { output, logger, server };
}

const tags = { scenario: 'smoke', agent: 'a1', bridge: 'jvb-1', conference: 'room a,b=c' };
const rtt = (value: number, time: number, bot = 'bot-1'): Sample => ({ metric: 'webrtc_rtt_ms', value, time, tags, meta: { bot, endpoint: 'e1' } });

describe('InfluxdbOutput against a strict v2 write server', () => {
  it('writes escaped points with run tags, base units, bot ids as fields, gzip and microseconds', async () => {
    const { output, server } = await setup({ tags: { env: 'ci' } });
    const samples = Array.from({ length: 40 }, (_, i) => rtt(10 + i, T0 + i * 1000, `bot "${i % 2}" \\ x`));
    output.addSamples([...samples, { metric: 'bot_join_success', value: 1, time: T0, tags, meta: { bot: 'bot-1' } }]);
    await until(() => server.points.length === 41, 5_000, 'every point to arrive');
    await output.stop();

    expect(server.requests.every((r) => r.precision === 'us')).toBe(true);
    expect(server.requests.some((r) => r.gzip)).toBe(true);
    const first = server.points.find((p) => p.measurement === 'jlt_webrtc_rtt_seconds')!;
    expect(first.tags).toEqual({ run_id: 'run-1', env: 'ci', scenario: 'smoke', agent: 'a1', bridge: 'jvb-1', conference: 'room a,b=c' });
    expect(first.fields).toEqual({ value: 0.01, bot: 'bot "0" \\ x', endpoint: 'e1' });
    expect(first.time).toBe(BigInt(T0) * 1_000_000n);
    expect(server.points.find((p) => p.measurement === 'jlt_bot_join_success')!.fields.value).toBe(1);
    expect(output.sampleCounts).toEqual({ written: 41, dropped: 0 });
  });

  it('keeps samples of one series in one millisecond apart, a microsecond each', async () => {
    const { output, server } = await setup();
    output.addSamples([rtt(10, T0, 'bot-1'), rtt(20, T0, 'bot-2'), rtt(30, T0, 'bot-3')]);
    await until(() => server.points.length === 3, 5_000, 'three points');
    await output.stop();
    expect(server.points.map((p) => p.time - BigInt(T0) * 1_000_000n)).toEqual([0n, 1_000n, 2_000n]);
    expect(server.points.map((p) => p.fields.bot)).toEqual(['bot-1', 'bot-2', 'bot-3']);
  });

  it.each([
    [429, true],
    [503, true],
    [401, false],
    [400, false],
    [413, false],
  ])('answer %i: retried %s, reported once, counted', async (status, retried) => {
    const { output, server, logger } = await setup({ maxRetries: 2 });
    server.failNext({ status, retryAfter: 0 });
    output.addSamples([rtt(10, T0)]);
    if (retried) await until(() => server.points.length === 1, 10_000, 'the retried write');
    else await until(() => server.requests.length === 1, 5_000, 'the refused write');
    await output.stop();
    expect(server.points).toHaveLength(retried ? 1 : 0);
    expect(output.sampleCounts).toEqual(retried ? { written: 1, dropped: 0 } : { written: 0, dropped: 1 });
    expect(logger.lines.filter((l) => l.startsWith('warn: influxdb output: cannot write'))).toEqual([expect.stringContaining(`HTTP ${status}`)]);
    expect(logger.lines.join('\n')).not.toContain('tok-123');
  });

  it('a hung server costs addSamples nothing and stop at most one timeout; what it never took is dropped', async () => {
    const { output, server, logger } = await setup({ timeout: 300 });
    server.hang();
    const batch = Array.from({ length: 1_000 }, (_, i) => rtt(i % 100, T0 + i));
    const started = performance.now();
    for (let i = 0; i < 20; i++) output.addSamples(batch);
    // Generous for a loaded CI machine: writing would take seconds, buffering takes milliseconds.
    expect(performance.now() - started).toBeLessThan(500);
    const stopping = performance.now();
    await output.stop();
    expect(performance.now() - stopping).toBeLessThan(1_000);
    expect(output.sampleCounts.written).toBe(0);
    expect(output.sampleCounts.dropped).toBe(20_000);
    expect(logger.lines.at(-1)).toMatch(/^warn: influxdb output: wrote 0 samples .* dropped 20000/);
  });

  it('refuses a missing token variable naming the option', () => {
    const options = BUILTIN_OUTPUTS.influxdb.options.parse({ url: 'http://127.0.0.1:9', org: 'o', bucket: 'b', tokenEnv: 'NO_SUCH_TOKEN' });
    expect(() => new InfluxdbOutput(options, { logger: logs(), env: {} })).toThrow(/NO_SUCH_TOKEN \(named by outputs\.influxdb\.tokenEnv\) is not set/);
  });
});
