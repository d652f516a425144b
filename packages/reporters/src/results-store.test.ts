import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunEvent, Sample } from '@jlt/core';
import { until } from '@jlt/core/test-support';
import { RESULTS_FORMAT_VERSION, ResultsStore, type FlushStats } from './results-store.js';
import { ResultsDb } from './store/results-db.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'jlt-store-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function read<T>(dir: string, sql: string): Promise<T[]> {
  const db = await ResultsDb.open(dir);
  try {
    return await db.rows<T>(sql);
  } finally {
    await db.close();
  }
}

const samples: Sample[] = [
  { metric: 'webrtc_rtt_ms', value: 12.345678901234567, time: 1_700_000_000_000.25, tags: { scenario: 's', agent: 'a1', bridge: 'jvb-1', conference: 'c1' }, meta: { bot: 'b1', endpoint: 'e1' } },
  { metric: 'jvb_stress', value: 0.1 + 0.2, time: 1_700_000_000_001, tags: { bridge: 'jvb-2', reason: 'cpu' } },
  { metric: 'bot_join_success', value: 1, time: 1_700_000_000_002, tags: {}, meta: { attempt: 3 } },
  { metric: 'webrtc_recv_kbps', value: -0, time: 1_700_000_000_003, tags: { agent: 'a2' } },
  { metric: 'webrtc_send_kbps', value: Number.MAX_VALUE, time: 1_700_000_000_004, tags: { conference: 'c,"2' } },
];

describe('ResultsStore', () => {
  it('keeps every value, tag and meta key, with common tags as columns and NULL when absent', async () => {
    const dir = await tempDir();
    const store = await ResultsStore.create(dir, { runId: 'r1' });
    store.addSamples(samples.slice(0, 2));
    const event: RunEvent = { time: 1_700_000_000_010, kind: 'bot-joined', level: 'info', message: 'joined', tags: { conference: 'c1' }, meta: { bot: 'b1', ok: true, none: null } };
    store.addEvents([event, { time: 1_700_000_000_011, kind: 'collector-error', level: 'warn', message: 'timeout' }]);
    store.addSamples(samples.slice(2));
    store.addPlacement([
      { time: 1_700_000_000_020, bridge: 'jvb-1', conference: 'c1', endpoint: 'e1', source: 'debug', relays: ['jvb-2'] },
      { time: 1_700_000_000_021, bridge: 'jvb-1', conference: 'c1', endpoint: 'e1', source: 'bot' },
    ]);
    expect(store.sampleCount).toBe(samples.length);
    await store.close();

    const rows = await read<{ time: number; metric: string; value: number; scenario: string | null; agent: string | null; bridge: string | null; conference: string | null; tags: object; meta: object | null }>(
      dir,
      'SELECT (epoch_us(time) / 1000.0)::DOUBLE AS time, metric, value, scenario, agent, bridge, conference, tags, meta FROM samples',
    );
    expect(rows).toEqual(
      samples.map((s) => ({
        time: s.time,
        metric: s.metric,
        value: s.value,
        scenario: s.tags.scenario ?? null,
        agent: s.tags.agent ?? null,
        bridge: s.tags.bridge ?? null,
        conference: s.tags.conference ?? null,
        tags: s.tags,
        meta: s.meta ?? null,
      })),
    );
    expect(await read(dir, 'SELECT kind, level, message, tags, meta FROM events ORDER BY time')).toEqual([
      { kind: 'bot-joined', level: 'info', message: 'joined', tags: event.tags, meta: event.meta },
      { kind: 'collector-error', level: 'warn', message: 'timeout', tags: null, meta: null },
    ]);
    expect(await read(dir, 'SELECT bridge, conference, endpoint, source, relays, epoch_ms(time) AS t FROM placement')).toEqual([
      { bridge: 'jvb-1', conference: 'c1', endpoint: 'e1', source: 'debug', relays: ['jvb-2'], t: 1_700_000_000_020 },
      { bridge: 'jvb-1', conference: 'c1', endpoint: 'e1', source: 'bot', relays: null, t: 1_700_000_000_021 },
    ]);
  });

  it('records the run metadata in run.json and run_meta, and the format version in the file', async () => {
    const dir = await tempDir();
    const store = await ResultsStore.create(dir, { runId: 'r1', plan: { bots: 3 } });
    await store.updateMeta({ status: 'passed' });
    await store.writeJson('summary.json', { ok: true });
    await store.close();
    const expected = { runId: 'r1', plan: { bots: 3 }, status: 'passed', formatVersion: RESULTS_FORMAT_VERSION };
    expect(JSON.parse(await readFile(join(dir, 'run.json'), 'utf8'))).toEqual(expected);
    expect(JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'))).toEqual({ ok: true });
    const meta = await read<{ key: string; value: unknown }>(dir, 'SELECT key, value FROM run_meta ORDER BY key');
    expect(Object.fromEntries(meta.map((m) => [m.key, m.value]))).toEqual(expected);
    expect(await read(dir, 'SELECT version FROM format_version')).toEqual([{ version: RESULTS_FORMAT_VERSION }]);
  });

  it('reports the age of the oldest data not yet durable, and zero once a flush committed it', async () => {
    const dir = await tempDir();
    const store = await ResultsStore.create(dir, {}, { flushIntervalMs: 60_000 });
    expect(store.pendingAgeMs()).toBe(0);
    store.addSamples([{ metric: 'm', value: 1, time: 1_000, tags: {} }]);
    store.addEvents([{ time: 1_000, kind: 'k', level: 'info', message: 'x' }]);
    const added = performance.now();
    expect(store.pendingAgeMs(added + 700)).toBeGreaterThanOrEqual(700);
    const flushing = store.flush();
    expect(store.pendingAgeMs(added + 800), 'a flush in progress is still pending').toBeGreaterThanOrEqual(800);
    await flushing;
    expect(store.pendingAgeMs()).toBe(0);
    await store.close();
  });

  it('makes buffered samples durable within a second without being closed, in chunks', async () => {
    const dir = await tempDir();
    const flushes: FlushStats[] = [];
    const store = await ResultsStore.create(dir, {}, { onFlush: (s) => flushes.push(s) });
    const count = 5_000;
    store.addSamples(Array.from({ length: count }, (_, i) => ({ metric: 'm', value: i, time: 1_000 + i, tags: { bridge: `b${i % 3}` } })));
    await until(() => flushes.some((f) => f.durableSamples === count), 2_000);
    const stats = store.flushStats;
    expect(stats.maxLatencyMs).toBeLessThan(1_000);
    expect(stats.durableSamples).toBe(count);
    expect(await read(dir, 'SELECT count(*) AS n, sum(value) AS total, count(DISTINCT bridge) AS bridges FROM samples')).toEqual([
      { n: count, total: (count * (count - 1)) / 2, bridges: 3 },
    ]);
    await store.close();
  });

  it('reopens an existing store and appends to it', async () => {
    const dir = await tempDir();
    for (const value of [1, 2]) {
      const store = await ResultsStore.create(dir, { runId: 'r1' });
      store.addSamples([{ metric: 'm', value, time: value, tags: {} }]);
      await store.close();
    }
    expect(await read(dir, 'SELECT value FROM samples ORDER BY value')).toEqual([{ value: 1 }, { value: 2 }]);
  });

  it('answers queries on what is durable while the run writes, and refuses anything but a query', async () => {
    const dir = await tempDir();
    const store = await ResultsStore.create(dir, { runId: 'r1' });
    store.addSamples(samples);
    store.addEvents([{ time: 1_700_000_000_010, kind: 'run-phase', level: 'info', message: 'running', meta: { phase: 'running' } }]);
    expect(await store.results.rows('SELECT count(*) AS n FROM samples')).toEqual([{ n: 0 }]);
    await store.flush();
    expect(await store.results.rows('SELECT count(*) AS n FROM samples WHERE metric <> ?', ['jvb_stress'])).toEqual([{ n: samples.length - 1 }]);
    expect(await store.results.rows("SELECT meta FROM events WHERE kind = 'run-phase'")).toEqual([{ meta: { phase: 'running' } }]);
    for (const sql of ['DELETE FROM samples', 'CREATE TABLE x (a INTEGER)', 'SELECT 1; SELECT 2', "COPY samples TO '/tmp/x.csv'"]) {
      await expect(store.results.rows(sql), sql).rejects.toThrow(/^results query refused: /);
    }
    expect(await store.results.rows('SELECT count(*) AS n FROM samples')).toEqual([{ n: samples.length }]);
    await store.close();
    await expect(store.results.rows('SELECT 1')).rejects.toThrow(/the results store is closed/);
  });

  it('refuses a results directory that cannot be created, naming it, within a second', async () => {
    for (const dir of ['/proc/forbidden', '/etc/passwd/x']) {
      const started = performance.now();
      await expect(ResultsStore.create(dir, {})).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining(`cannot create the results directory ${dir}: `) as unknown,
      });
      expect(performance.now() - started).toBeLessThan(1_000);
    }
  });
});

