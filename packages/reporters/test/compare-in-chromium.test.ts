import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStudyIndexPage } from '../src/compare/study-index-page.js';
import type { StudyIndex } from '../src/compare/study-index.js';
import { SMALL_SYNTHETIC_RUN, writeSyntheticRun } from '../src/test-support/synthetic-run.js';
import { dragAcrossFirstChart, launchChromium, openReport, shownRanges, type OpenedReport } from './report-browser.js';
import { assertJltBuilt, jlt } from './run-jlt.js';

// Two synthetic runs of one scenario (3 conferences of 4): one bridge, and two bridges with split
// conferences and a saturated agent. `jlt compare` builds the page from the two directories; it is
// checked in real Chromium as a reader opens it, and so is a study index linking both.
const base = { ...SMALL_SYNTHETIC_RUN, failEvery: 0, collectorGapMs: 0 };
let root: string;
let browser: Browser;
beforeAll(async () => {
  assertJltBuilt();
  root = await mkdtemp(join(tmpdir(), 'jlt-compare-e2e-'));
  await Promise.all([
    writeSyntheticRun(join(root, 'single'), { ...base, bridges: 1, splitEvery: 0, saturationMs: 0 }),
    writeSyntheticRun(join(root, 'octo'), { ...base, bridges: 2, startMs: base.startMs + 3_600_000 }),
  ]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await rm(root, { recursive: true, force: true });
});

interface DrawnChart {
  row: string;
  title: string;
  legend: string[];
  seriesPoints: number[];
}

/** Every chart with the row (bridge or conference) it is in, its legend labels and the points each series drew. */
function charts(page: Page): Promise<DrawnChart[]> {
  return page.$$eval('.plot', (plots) =>
    plots.map((plot) => ({
      row: plot.closest('.row')?.querySelector('.row-label')?.firstChild?.textContent?.trim() ?? '',
      title: (plot as HTMLElement).dataset.chart ?? '',
      // The first legend row is the x axis.
      legend: [...plot.querySelectorAll('.u-legend tr.u-series')].slice(1).map((tr) => tr.querySelector('th')?.textContent?.trim() ?? ''),
      seriesPoints: ((plot as HTMLElement).dataset.seriesPoints ?? '').split(',').filter(Boolean).map(Number),
    })),
  );
}

/** Of the plot columns between the first and the last with a coloured pixel, the share that has one: ~1 for a solid line, less for a dashed one. */
function columnCoverage(page: Page, chart: number): Promise<number> {
  return page.$$eval(
    '.plot',
    (plots, index) => {
      const canvas = plots[index]!.querySelector('canvas')!;
      const { data, width, height } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const covered: boolean[] = [];
      for (let x = 0; x < width; x++) {
        covered[x] = false;
        for (let y = 0; y < height; y++) {
          const i = (y * width + x) * 4;
          const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
          if (Math.max(r, g, b) - Math.min(r, g, b) > 60) {
            covered[x] = true;
            break;
          }
        }
      }
      const first = covered.indexOf(true);
      const last = covered.lastIndexOf(true);
      if (first < 0) return 0;
      return covered.slice(first, last + 1).filter(Boolean).length / (last - first + 1);
    },
    chart,
  );
}

describe('jlt compare in Chromium', () => {
  let file: string;
  let report: OpenedReport;
  beforeAll(async () => {
    file = join(root, 'comparison.html');
    const result = await jlt('compare', join(root, 'single'), join(root, 'octo'), '--labels', 'single,octo', '--out', file);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^comparison: ${file} \\(\\d+ KiB\\) \\(untrustworthy: see its banner\\)\\n$`));
    report = await openReport(browser, file);
  });
  afterAll(() => report?.close());

  it('opens from file:// without a request or a console error, every chart drawing each run that has its bridge or conference', async () => {
    expect(report.problems).toEqual([]);
    expect(report.requests).toEqual([]);
    const drawn = await charts(report.page);
    // 9 figures for each of 2 bridges, 6 for each of 3 conferences.
    expect(drawn).toHaveLength(2 * 9 + 3 * 6);
    const runsOf = (chart: DrawnChart): string[] => [...new Set(chart.legend.map((label) => label.split(' · ').at(-1)!))];
    for (const chart of drawn) {
      expect(runsOf(chart), `${chart.row} ${chart.title}`).toEqual(chart.row === 'jvb-2' ? ['octo'] : ['single', 'octo']);
      expect(chart.seriesPoints, `${chart.row} ${chart.title}`).toHaveLength(chart.legend.length);
      expect(chart.seriesPoints.every((n) => n > 0), `${chart.row} ${chart.title}: ${chart.seriesPoints.join(',')}`).toBe(true);
    }
  });

  it('draws run A solid and run B dashed', async () => {
    const { page } = report;
    const index = (await charts(page)).findIndex((c) => c.row === 'jvb-1' && c.title === 'Local endpoints');
    const plot = page.locator('.plot').nth(index);
    await plot.scrollIntoViewIfNeeded();
    const toggle = (label: string): Promise<void> => plot.locator('.u-legend tr.u-series', { hasText: label }).click();
    await toggle('octo');
    await expect.poll(() => columnCoverage(page, index)).toBeGreaterThan(0.97);
    await toggle('octo');
    await toggle('single');
    await expect.poll(() => columnCoverage(page, index)).toBeLessThan(0.85);
    expect(await columnCoverage(page, index)).toBeGreaterThan(0.3);
    expect(await plot.locator('.u-legend tr.u-series', { hasText: 'octo' }).locator('.u-marker').evaluate((m) => getComputedStyle(m).borderStyle)).toBe('dashed');
  });

  it('says at the top that the comparison cannot be trusted, and why', async () => {
    const banner = report.page.locator('#untrustworthy-banner');
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.locator('[data-run]').evaluateAll((items) => items.map((i) => i.getAttribute('data-run')))).toEqual(['octo']);
    expect(await banner.textContent()).toContain('agent agent-1 was saturated');
    expect(await report.page.locator('#insights-1 li[data-rule=saturated-agent]').count()).toBe(1);
  });

  it('has a verdict and its test on every delta row, and filters rows by verdict', async () => {
    const { page } = report;
    const rows = page.locator('#deltas-1 tbody tr');
    const all = await rows.count();
    expect(all).toBeGreaterThan(30);
    const verdicts = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-verdict')));
    expect(verdicts.filter((v) => !['better', 'worse', 'higher', 'lower', 'no significant difference', 'not tested'].includes(v!))).toEqual([]);
    expect(verdicts).toContain('no significant difference');
    expect(verdicts.some((v) => v === 'better' || v === 'worse')).toBe(true);
    expect(await page.locator('#deltas-1 tr[data-row="jvb_stress{total}"] td .test').textContent()).toMatch(/^Δ median .+, 95 % CI .+ … .+, p [<=] [\d.]+ \(1\/1 units, \d+\/\d+ blocks\)$/);
    const same = verdicts.filter((v) => v === 'no significant difference').length;
    await page.locator('[data-filter-for=deltas-1] input[data-filter=verdict][value="no significant difference"]').uncheck();
    expect(await page.locator('#deltas-1 tbody tr:not([hidden])').count()).toBe(all - same);
    expect(await page.locator('#placement-table tr[data-run=octo]').textContent()).toContain('jvb-1 → jvb-2');
  });

  it('zooms every chart of both runs to a range dragged across one', async () => {
    const { page } = report;
    const [whole] = await shownRanges(page);
    await dragAcrossFirstChart(page, 0.2, 0.5);
    const zoomed = await shownRanges(page);
    expect(zoomed).toHaveLength(1);
    expect(zoomed[0]).not.toBe(whole);
    expect(await page.locator('#zoom-status').textContent()).toMatch(/^showing \+0:\d\d – \+\d:\d\d$/);
  });

  it('is linked from a study index, which opens without a request or a console error', async () => {
    const index: StudyIndex = {
      name: 'e2e',
      description: 'one bridge against two',
      file: 'study.yaml',
      complete: false,
      states: [
        { name: 'single', shape: 'testbed with 1 bridge(s)' },
        { name: 'octo', shape: 'testbed with 2 bridge(s), octo' },
      ],
      runs: [
        { index: 1, scenario: 'synthetic', state: 'single', progress: 'done', status: 'thresholds-failed', untrustworthy: false, dir: 'single', links: [{ label: 'store', href: 'single/results.duckdb' }] },
        { index: 2, scenario: 'synthetic', state: 'octo', progress: 'done', status: 'thresholds-failed', untrustworthy: true, dir: 'octo', links: [{ label: 'store', href: 'octo/results.duckdb' }] },
        { index: 3, scenario: 'other', state: 'single', progress: 'interrupted', status: 'interrupted', untrustworthy: false, dir: 'other/single', links: [] },
        { index: 4, scenario: 'other', state: 'octo', progress: 'pending', status: 'not run', untrustworthy: false, dir: 'other/octo', links: [] },
      ],
      comparisons: [{ scenario: 'synthetic', links: [{ label: 'comparison', href: 'comparison.html' }], verdicts: [], untrustworthy: ['octo'] }],
    };
    const { compareRuns } = await import('../src/compare/comparison.js');
    const { verdictCounts } = await import('../src/compare/study-index.js');
    index.comparisons[0]!.verdicts = verdictCounts(await compareRuns([join(root, 'single'), join(root, 'octo')], { labels: ['single', 'octo'], resamples: 200 }));
    const indexFile = join(root, 'index.html');
    await writeFile(indexFile, await buildStudyIndexPage(index));
    const page = await openReport(browser, indexFile);
    try {
      expect(page.problems).toEqual([]);
      expect(page.requests).toEqual([]);
      expect(await page.page.locator('#runs-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-progress')))).toEqual(['done', 'done', 'interrupted', 'pending']);
      expect(await page.page.locator('#incomplete-banner').isVisible()).toBe(true);
      expect(await page.page.locator('#runs-table tr[data-run=octo] .vd-worse').textContent()).toBe('untrustworthy');
      expect(await page.page.locator('[data-comparison=synthetic] [data-untrustworthy]').textContent()).toContain('the numbers of octo are untrustworthy');
      expect(await page.page.locator('[data-comparison=synthetic] tr[data-headline]').count()).toBeGreaterThanOrEqual(6);
      expect(await page.page.locator('.zoombar').isVisible()).toBe(false);
      const hrefs = await page.page.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')!).filter((h) => !h.startsWith('#')));
      expect(hrefs).toEqual(['single/results.duckdb', 'octo/results.duckdb', 'comparison.html']);
      for (const href of hrefs) expect(existsSync(resolve(dirname(indexFile), href)), href).toBe(true);
    } finally {
      await page.close();
    }
  });
});
