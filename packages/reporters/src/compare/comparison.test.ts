import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJltError } from '@jlt/core';
import { compareRuns, type Comparison, type ComparisonRow } from './comparison.js';
import { formatComparisonMarkdown } from './comparison-markdown.js';
import { writeCraftedRun, type CraftedRun } from '../test-support/crafted-run.js';

const SINGLE: CraftedRun = { seed: 1, conferences: 1, botsPerConference: 4, bridges: ['jvb-1'], holdSeconds: 40, rttMs: 20, downloadKbpsPerEndpoint: 100 };
const OCTO: CraftedRun = { ...SINGLE, seed: 3, conferences: 2, botsPerConference: 2, bridges: ['jvb-1', 'jvb-2'] };

let root: string;
const dir = (name: string): string => join(root, name);
let sameState: Comparison;
let singleVsOcto: Comparison;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jlt-compare-'));
  await writeCraftedRun(dir('single-1'), {
    ...SINGLE,
    thresholds: [{ key: 'webrtc_rtt_ms', expression: 'p(95)<150', aggregation: 'p(95)', unit: 'ms', passed: true, observed: 31 }],
  });
  await writeCraftedRun(dir('single-2'), { ...SINGLE, seed: 2 });
  await writeCraftedRun(dir('slower'), { ...SINGLE, seed: 4, rttMs: 60 });
  await writeCraftedRun(dir('octo'), {
    ...OCTO,
    thresholds: [
      { key: 'webrtc_rtt_ms', expression: 'p(95)<150', aggregation: 'p(95)', unit: 'ms', passed: false, observed: 170 },
      { key: 'jvb_relay_send_bps', expression: 'max>0', aggregation: 'max', unit: 'bps', passed: true, observed: 1e5 },
    ],
    saturatedAgentSeconds: 12,
  });
  sameState = await compareRuns([dir('single-1'), dir('single-2')], { resamples: 300 });
  singleVsOcto = await compareRuns([dir('single-1'), dir('octo')], { labels: ['single', 'octo'], resamples: 300 });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function row(comparison: Comparison, id: string): ComparisonRow {
  const found = comparison.rows.find((r) => r.id === id);
  if (!found) throw new Error(`no row ${id}; rows: ${comparison.rows.map((r) => r.id).join(', ')}`);
  return found;
}

describe('compareRuns', () => {
  it('excludes the warm-up (until the last bot joined) from client metrics, and says how long it was', () => {
    const rtt = row(sameState, 'webrtc_rtt_ms');
    // Every client value before the last join is 10 000; none may reach the statistics.
    expect(rtt.runs[0]!.p99).toBeLessThan(100);
    expect(rtt.runs[0]!.count).toBe(4 * 40);
    expect(sameState.runs[0]).toMatchObject({ warmUpSeconds: 4, warmUpSource: 'last bot joined', serverWarmUpSeconds: 9, analysedSeconds: 40 });
  });

  it('keeps the warm-up for the join metrics, which describe it', () => {
    expect(row(sameState, 'bot_join_time_ms').runs[0]!.count).toBe(4);
    expect(row(sameState, 'bot_join_success').runs.map((r) => r!.mean)).toEqual([1, 1]);
  });

  it('calls two runs of the same state the same on client metrics', () => {
    for (const id of ['webrtc_rtt_ms', 'webrtc_recv_fps', 'webrtc_quality_limitation{reason=cpu}']) {
      expect(row(sameState, id).versus[1]).toMatchObject({ verdict: 'no significant difference' });
    }
  });

  it('calls a slower run worse, with an interval above zero', () => {
    const rtt = row(compareRunsCache.slower!, 'webrtc_rtt_ms');
    const versus = rtt.versus[1]!;
    expect(versus.verdict).toBe('worse');
    expect(versus.test!.interval[0]).toBeGreaterThan(0);
    expect(versus.deltas.p50.relative).toBeGreaterThan(1);
  });

  it('has rows per bridge and for all bridges, a bridge only one run has included', () => {
    const ids = singleVsOcto.rows.filter((r) => r.metric === 'jvb_download_kbps').map((r) => r.id);
    expect(ids).toEqual(['jvb_download_kbps{bridge=jvb-1}', 'jvb_download_kbps{bridge=jvb-2}', 'jvb_download_kbps{total}']);
    const second = row(singleVsOcto, 'jvb_download_kbps{bridge=jvb-2}');
    expect(second.runs[0]).toBeNull();
    expect(second.versus[1]).toBeNull();
    const [single, octo] = row(singleVsOcto, 'jvb_download_kbps{total}').runs;
    expect(single!.p50).toBeCloseTo(400, -1);
    expect(octo!.p50).toBeCloseTo(400, -1);
    expect(row(singleVsOcto, 'jvb_download_kbps{bridge=jvb-1}').runs[1]!.p50).toBeCloseTo(200, -1);
  });

  it('normalises by participants and conferences, and gives the relay share and the endpoint balance', () => {
    const figure = (id: string) => singleVsOcto.normalised.find((n) => n.id === id)!;
    expect(figure('jvb_download_kbps/participant').runs[0]).toBeCloseTo(100, -1);
    expect(figure('jvb_download_kbps/conference').runs.map((v) => Math.round(v! / 10) * 10)).toEqual([400, 200]);
    const relay = figure('relay-share');
    expect(relay.runs[0]).toBe(0);
    expect(relay.runs[1]).toBeGreaterThan(0);
    expect(figure('endpoint-balance').runs).toEqual([1, 1]);
  });

  it('puts both runs’ thresholds side by side, and their placement', () => {
    expect(singleVsOcto.thresholds).toEqual([
      { key: 'webrtc_rtt_ms', expression: 'p(95)<150', unit: 'ms', runs: [{ passed: true, observed: 31 }, { passed: false, observed: 170 }] },
      { key: 'jvb_relay_send_bps', expression: 'max>0', unit: 'bps', runs: [null, { passed: true, observed: 1e5 }] },
    ]);
    expect(singleVsOcto.placement[0]).toMatchObject({ source: 'debug', bridges: [{ bridge: 'jvb-1', conferences: 1, endpoints: 4 }], splitConferences: 0, relays: [] });
    expect(singleVsOcto.placement[1]).toMatchObject({
      bridges: [
        { bridge: 'jvb-1', conferences: 2, endpoints: 2 },
        { bridge: 'jvb-2', conferences: 2, endpoints: 2 },
      ],
      splitConferences: 2,
      relays: [
        { bridge: 'jvb-1', relay: 'jvb-2' },
        { bridge: 'jvb-2', relay: 'jvb-1' },
      ],
    });
  });

  it('says which run is untrustworthy, from the insight rules applied to its store', () => {
    expect(singleVsOcto.untrustworthy).toEqual([{ label: 'octo', message: expect.stringMatching(/^agent agent-1 was saturated from \+0:0\d: event-loop lag p95 reached 180/) as string }]);
    expect(singleVsOcto.runs[1]!.insights.map((i) => i.rule)).toContain('saturated-agent');
    expect(sameState.untrustworthy).toEqual([]);
  });
});

const compareRunsCache: { slower?: Comparison } = {};
beforeAll(async () => {
  compareRunsCache.slower = await compareRuns([dir('single-1'), dir('slower')], { resamples: 300 });
});

describe('compareRuns on unreadable input', () => {
  async function failure(dirs: string[], labels?: string[]): Promise<{ code: string; message: string; exitCode: number }> {
    const error = await compareRuns(dirs, labels ? { labels } : {}).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isJltError(error)) throw new Error(`expected a JltError, got ${String(error)}`);
    return { code: error.code, message: error.message, exitCode: error.exitCode };
  }

  it('names the directory and what is wrong, with exit code 2', async () => {
    expect(await failure([dir('single-1'), dir('missing')])).toMatchObject({ exitCode: 2, message: `results directory not found: ${dir('missing')}` });
    await mkdir(dir('empty'));
    expect(await failure([dir('empty'), dir('single-1')])).toMatchObject({ exitCode: 2, message: expect.stringContaining(`no results store in ${dir('empty')}`) as string });
    await writeCraftedRun(dir('broken'), SINGLE);
    await writeFile(join(dir('broken'), 'run.json'), '{"runId": ');
    expect(await failure([dir('single-1'), dir('broken')])).toMatchObject({ exitCode: 2, message: expect.stringContaining(`${join(dir('broken'), 'run.json')} is not valid JSON`) as string });
  });

  it('needs two directories and one label per directory', async () => {
    expect(await failure([dir('single-1')])).toMatchObject({ exitCode: 2, message: 'compare needs at least two results directories (got 1)' });
    expect(await failure([dir('single-1'), dir('single-2')], ['only-one'])).toMatchObject({ exitCode: 2, message: expect.stringContaining('--labels names 1 run(s) but 2 directories') as string });
  });
});

/** A Markdown table: header cells, then rows of cells; pipes escaped as `\|` stay inside a cell. */
function parseTables(markdown: string): string[][][] {
  const tables: string[][][] = [];
  let current: string[][] | undefined;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      current = undefined;
      continue;
    }
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
    if (!current) tables.push((current = []));
    current.push(cells);
  }
  return tables;
}

describe('formatComparisonMarkdown', () => {
  const markdown = (): string => formatComparisonMarkdown(singleVsOcto);

  it('is GitHub tables: a header, a separator, and rows of the header’s width', () => {
    const tables = parseTables(markdown());
    expect(tables.length).toBeGreaterThanOrEqual(5);
    for (const table of tables) {
      const [head, separator, ...rows] = table;
      expect(separator!.every((c) => /^-{3,}$/.test(c))).toBe(true);
      expect(separator).toHaveLength(head!.length);
      expect(rows.length).toBeGreaterThan(0);
      for (const cells of rows) expect(cells).toHaveLength(head!.length);
    }
  });

  it('has the runs, a row per metric with both values, the delta and the verdict with its test', () => {
    const tables = parseTables(markdown());
    const runs = tables.find((t) => t[0]![0] === 'run' && t[0]![1] === 'scenario')!;
    expect(runs.slice(2).map((r) => r[0])).toEqual(['**single**', '**octo**']);
    const client = tables.find((t) => t.some((r) => r[0] === '`webrtc_rtt_ms`'))!;
    expect(client[0]).toEqual(['metric', 'p50', 'p95', 'p99', 'mean', 'verdict']);
    const rtt = client.find((r) => r[0] === '`webrtc_rtt_ms`')!;
    expect(rtt[1]).toMatch(/^\d+\.\d\dms → \d+\.\d\dms \([+-]?\d+(\.\d)? %\)$/);
    expect(rtt[5]).toMatch(/^(≈ no significant difference|✅ better|❌ worse)<br>Δ median [+-]?[\d.]+ms, 95 % CI .+, p [=<] [\d.]+$/);
  });

  it('opens with the warning that an untrustworthy run makes the comparison untrustworthy', () => {
    const firstLines = markdown().split('\n').slice(0, 4).join('\n');
    expect(firstLines).toContain('> **⚠ This comparison cannot be trusted: the numbers of octo are untrustworthy (octo: agent agent-1 was saturated from +0:0');
    expect(formatComparisonMarkdown(sameState)).not.toContain('cannot be trusted');
  });

  it('fits a pull-request comment (GitHub allows 65 536 characters)', () => {
    expect(markdown().length).toBeLessThan(65_536);
  });
});
