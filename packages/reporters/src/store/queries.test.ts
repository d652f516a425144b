import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from '@jlt/core';
import { ResultsStore } from '../results-store.js';
import { alignWithServer, percentiles, timeSeries } from './queries.js';
import { ResultsDb } from './results-db.js';

const T0 = 1_700_000_000_000;

/** Linear interpolation between closest ranks: DuckDB's quantile_cont. */
function quantileCont(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

// Two bridges; rtt from bots every second, stress from the collector every 5 s (offset by 500 ms).
const rtt: Sample[] = [];
const stress: Sample[] = [];
for (let s = 0; s < 20; s++) {
  for (const bridge of ['jvb-1', 'jvb-2']) {
    rtt.push({ metric: 'webrtc_rtt_ms', value: (bridge === 'jvb-1' ? 10 : 100) + ((s * 7) % 13), time: T0 + s * 1000, tags: { bridge, agent: 'a1' }, meta: { bot: `b-${s}` } });
    if (s % 5 === 0) stress.push({ metric: 'jvb_stress', value: s / 100 + (bridge === 'jvb-2' ? 0.5 : 0), time: T0 + s * 1000 + 500, tags: { bridge } });
  }
}
const unplaced: Sample = { metric: 'webrtc_rtt_ms', value: 999, time: T0, tags: { agent: 'a1' } };

let dir: string;
let db: ResultsDb;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jlt-queries-'));
  const store = await ResultsStore.create(dir, { runId: 'q' });
  store.addSamples([...rtt, ...stress, unplaced]);
  await store.close();
  db = await ResultsDb.open(dir);
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('percentiles', () => {
  it('computes quantile_cont per metric per bridge, unplaced samples in a null group', async () => {
    const quantiles = [0, 0.5, 0.95, 1];
    const rows = await percentiles(db, { quantiles, metrics: ['webrtc_rtt_ms'] });
    const expected = ['jvb-1', 'jvb-2'].map((bridge) => {
      const values = rtt.filter((s) => s.tags.bridge === bridge).map((s) => s.value);
      return { metric: 'webrtc_rtt_ms', groups: { bridge }, count: values.length, values: quantiles.map((q) => quantileCont(values, q)) };
    });
    expected.push({ metric: 'webrtc_rtt_ms', groups: { bridge: null as unknown as string }, count: 1, values: [999, 999, 999, 999] });
    expect(rows).toHaveLength(3);
    rows.forEach((row, i) => {
      expect(row.metric).toBe(expected[i]!.metric);
      expect(row.groups).toEqual(expected[i]!.groups);
      expect(row.count).toBe(expected[i]!.count);
      row.values.forEach((v, j) => expect(v).toBeCloseTo(expected[i]!.values[j]!, 9));
    });
  });

  it('covers every metric and groups by any tag column', async () => {
    const rows = await percentiles(db, { quantiles: [0.5], by: ['agent'] });
    expect(rows.map((r) => [r.metric, r.groups.agent, r.count])).toEqual([
      ['jvb_stress', null, stress.length],
      ['webrtc_rtt_ms', 'a1', rtt.length + 1],
    ]);
  });

  it.each([
    [{ quantiles: [] }, /at least one quantile/],
    [{ quantiles: [1.5] }, /outside \[0, 1\]/],
    [{ quantiles: [0.5], by: ['bot' as 'agent'] }, /unknown tag column "bot"; available: scenario, agent, bridge, conference/],
  ])('rejects %j', async (options, message) => {
    await expect(percentiles(db, options)).rejects.toThrow(message);
  });
});

describe('alignWithServer', () => {
  it('pairs each client sample with the latest earlier server sample of its bridge', async () => {
    const rows = await alignWithServer(db, { client: 'webrtc_rtt_ms', server: 'jvb_stress' });
    const expected = rtt.map((c) => {
      const earlier = stress.filter((s) => s.tags.bridge === c.tags.bridge && s.time <= c.time).at(-1);
      return { time: c.time, bridge: c.tags.bridge, clientValue: c.value, serverValue: earlier?.value ?? null, serverTime: earlier?.time ?? null };
    });
    expect(rows).toEqual(expected);
    expect(rows.filter((r) => r.serverValue === null)).toHaveLength(2);
  });

  it('drops server samples older than the tolerance', async () => {
    const rows = await alignWithServer(db, { client: 'webrtc_rtt_ms', server: 'jvb_stress', toleranceMs: 1_000 });
    for (const row of rows) {
      if (row.serverTime === null) continue;
      expect(row.time - row.serverTime).toBeLessThanOrEqual(1_000);
    }
    // Server samples land at +500 ms of every fifth second, so per bridge the samples at +1 s are
    // paired (500 ms old) and those at +2 s..+4 s (1.5 s..3.5 s old) are not.
    expect(rows.filter((r) => r.serverValue !== null)).toHaveLength(2 * 4);
  });
});

describe('timeSeries', () => {
  it.each([
    ['avg', (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length],
    ['max', (v: number[]) => Math.max(...v)],
    ['count', (v: number[]) => v.length],
    ['p95', (v: number[]) => quantileCont(v, 0.95)],
  ] as const)('buckets a metric by time and bridge with %s', async (aggregate, reduce) => {
    const points = await timeSeries(db, { metric: 'webrtc_rtt_ms', bucketMs: 5_000, aggregate, by: 'bridge' });
    const groups = new Map<string, number[]>();
    for (const s of [...rtt, unplaced]) {
      const key = `${Math.floor(s.time / 5_000) * 5_000}|${s.tags.bridge ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), s.value]);
    }
    expect(points).toHaveLength(groups.size);
    for (const p of points) {
      const values = groups.get(`${p.bucket}|${p.group ?? ''}`)!;
      expect(p.count).toBe(values.length);
      expect(p.value).toBeCloseTo(reduce(values), 9);
    }
  });

  it('rejects a non-positive bucket and an unknown aggregate', async () => {
    await expect(timeSeries(db, { metric: 'm', bucketMs: 0 })).rejects.toThrow(/bucketMs must be > 0/);
    await expect(timeSeries(db, { metric: 'm', bucketMs: 1, aggregate: 'median' as 'avg' })).rejects.toThrow(/unknown aggregate "median"; available: avg/);
  });
});
