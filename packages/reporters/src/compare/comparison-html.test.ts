import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePageData } from '../report/page/client/decode.js';
import type { PageModel } from '../report/page/page-model.js';
import { writeCraftedRun, type CraftedRun } from '../test-support/crafted-run.js';
import { buildComparisonPage } from './comparison-html.js';
import { compareRuns, type Comparison } from './comparison.js';
import { headlines } from './study-index.js';

const SINGLE: CraftedRun = { seed: 1, conferences: 1, botsPerConference: 4, bridges: ['jvb-1'], holdSeconds: 30, rttMs: 20, downloadKbpsPerEndpoint: 100 };

let root: string;
let comparison: Comparison;
let page: string;
let model: PageModel;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jlt-compare-html-'));
  await writeCraftedRun(join(root, 'single'), SINGLE);
  await writeCraftedRun(join(root, 'octo'), { ...SINGLE, seed: 2, bridges: ['jvb-1', 'jvb-2'], rttMs: 60, saturatedAgentSeconds: 12 });
  await writeCraftedRun(join(root, 'third'), { ...SINGLE, seed: 3 });
  comparison = await compareRuns([join(root, 'single'), join(root, 'octo'), join(root, 'third')], { labels: ['single', 'octo', 'third'], resamples: 200 });
  page = await buildComparisonPage(comparison, { file: join(root, 'comparison.html') });
  const blob = /<script id="jlt-data" type="application\/octet-stream">([^<]+)<\/script>/.exec(page)![1]!;
  const bytes = gunzipSync(Buffer.from(blob, 'base64'));
  model = parsePageData(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)).model;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('buildComparisonPage', () => {
  it('overlays the runs on one elapsed axis: each run in its own dash pattern, a series’ colour the same in every run', () => {
    expect(model.axis).toMatchObject({ kind: 'elapsed', startMs: 0, stepMs: 1000 });
    const rtt = model.charts.find((c) => c.title === 'RTT' && c.series.some((s) => s.label.startsWith('p50')))!;
    expect(rtt.series.map((s) => [s.label, s.dash ?? []])).toEqual([
      ['p50 · single', []],
      ['p95 · single', []],
      ['p50 · octo', [6, 4]],
      ['p95 · octo', [6, 4]],
      ['p50 · third', [2, 3]],
      ['p95 · third', [2, 3]],
    ]);
    expect(new Set(rtt.series.filter((s) => s.label.startsWith('p50')).map((s) => s.color)).size).toBe(1);
  });

  it('draws a bridge only one run has with that run alone', () => {
    const endpoints = model.charts.filter((c) => c.title === 'Local endpoints').map((c) => c.series.map((s) => s.label));
    expect(endpoints).toEqual([['single', 'octo', 'third'], ['octo']]);
  });

  it('opens with the runs and the untrustworthy banner, and has a delta table per run against the baseline', () => {
    expect(page).toContain('<title>octo, third vs single · jlt comparison</title>');
    expect(page).toMatch(/<div class="banner untrustworthy" id="untrustworthy-banner">.*<div data-run="octo"><strong>octo:<\/strong> agent agent-1 was saturated/s);
    expect(page.match(/<table id="deltas-\d"/g)).toEqual(['<table id="deltas-1"', '<table id="deltas-2"']);
    expect(page).toMatch(/<tr data-verdict="worse" data-section="client" data-row="webrtc_rtt_ms">/);
  });
});

describe('headlines', () => {
  it('gives the tested statistic of both runs, its change and verdict, for the figures both runs have', () => {
    const octo = headlines(comparison, 1);
    const rtt = octo.find((h) => h.id === 'webrtc_rtt_ms')!;
    expect(rtt).toMatchObject({ title: 'RTT, median', verdict: 'worse' });
    expect(rtt.change).toMatch(/^\+\d+ %$/);
    const row = comparison.rows.find((r) => r.id === 'webrtc_rtt_ms')!;
    expect(rtt.baseline).toBe(`${row.runs[0]!.p50.toFixed(2)}ms`);
    // The interval says how large the difference may be, which a verdict alone does not.
    const [low, high] = row.versus[1]!.test!.interval;
    expect(rtt.interval).toBe(`95 % CI ${low > 0 ? '+' : ''}${low.toFixed(2)}ms … ${high > 0 ? '+' : ''}${high.toFixed(2)}ms`);
    expect(octo.map((h) => h.id)).toEqual(['webrtc_rtt_ms', 'webrtc_recv_fps', 'jvb_upload_kbps{total}', 'jvb_upload_kbps/participant', 'jvb_relay_send_bps{total}']);
  });
});
