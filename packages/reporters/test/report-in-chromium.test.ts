import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMALL_SYNTHETIC_RUN, writeSyntheticRun } from '../src/test-support/synthetic-run.js';
import { chartsDrawn, dragAcrossFirstChart, launchChromium, openReport, shownRanges, type OpenedReport } from './report-browser.js';
import { assertJltBuilt, jlt } from './run-jlt.js';

// A synthetic run shaped like a real one (3 conferences of 8 on 2 bridges, one split, join failures
// with screenshots, a collector gap, a saturated agent): `jlt report` rebuilds its report from the
// directory alone, and the page is checked in real Chromium as a reader would open it.
const shape = { ...SMALL_SYNTHETIC_RUN, participants: 8 };
let root: string;
let browser: Browser;
beforeAll(async () => {
  assertJltBuilt();
  root = await mkdtemp(join(tmpdir(), 'jlt-report-e2e-'));
  await Promise.all([writeSyntheticRun(join(root, 'finished'), shape), writeSyntheticRun(join(root, 'killed'), { ...shape, killed: true })]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await rm(root, { recursive: true, force: true });
});

describe('jlt report in Chromium', () => {
  let report: OpenedReport;
  beforeAll(async () => {
    const file = join(root, 'finished.html');
    const result = await jlt('report', join(root, 'finished'), '--out', file);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`report: ${file} (8 insights, 1 untrustworthy)\n`);
    report = await openReport(browser, file);
  });
  afterAll(() => report?.close());

  it('opens from file:// without a request or a console error, and draws every chart with data', async () => {
    expect(report.problems).toEqual([]);
    expect(report.requests).toEqual([]);
    const charts = await chartsDrawn(report.page);
    // 9 figures per bridge, 7 per conference, 3 client-vs-server per bridge, 3 per agent.
    expect(charts).toHaveLength(2 * 9 + 3 * 7 + 2 * 3 + 2 * 3);
    expect(charts.filter((c) => !(c.points > 0 && c.coloured > 50)).map((c) => c.title)).toEqual([]);
  });

  it('shows the untrustworthy banner, the verdict and the insights', async () => {
    const { page } = report;
    expect(await page.locator('#verdict').textContent()).toBe('FAILED');
    await expect.poll(() => page.locator('#untrustworthy-banner').isVisible()).toBe(true);
    expect(await page.locator('#untrustworthy-banner').textContent()).toContain('agent agent-1 was saturated');
    expect(await page.locator('#insights li').evaluateAll((items) => items.map((i) => i.getAttribute('data-rule')))).toEqual(
      expect.arrayContaining(['collector-gap', 'server-memory-retained', 'resolution-drop', 'placement-disagreement']),
    );
  });

  it('draws the placement map: every endpoint from both sources, the split conferences marked', async () => {
    const map = report.page.locator('.placement-map');
    expect(Number(await map.getAttribute('data-endpoints'))).toBe(24);
    expect(Number(await map.getAttribute('data-spans'))).toBeGreaterThanOrEqual(48);
    expect(await map.locator('text.pm-split').allTextContents()).toEqual(['synthetic-001  · split', 'synthetic-003  · split']);
    expect(await report.page.locator('#placement-disagreements tbody tr').count()).toBe(1);
  });

  it('lists the events with their screenshots, and filters them', async () => {
    const { page } = report;
    const rows = page.locator('#events-table tbody tr');
    const all = await rows.count();
    expect(all).toBeGreaterThan(24);
    const shots = page.locator('#events-table img');
    expect(await shots.count()).toBe(4);
    expect(await shots.first().evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth))).toBe(160);
    await page.locator('[data-filter-for=events-table] input[data-filter=group][value=join]').uncheck();
    expect(await page.locator('#events-table tbody tr:not([hidden])').count()).toBe(all - 24);
    expect(await page.locator('#events-table tbody tr[data-group=join]:not([hidden])').count()).toBe(0);
    await page.locator('[data-filter-for=events-table] input[type=search]').fill('crashed');
    expect(await page.locator('#events-table tbody tr:not([hidden])').allTextContents()).toEqual([expect.stringContaining('c001-p01 crashed') as string]);
  });

  it('zooms every chart to a range dragged across one, and back on double click', async () => {
    const { page } = report;
    const [whole] = await shownRanges(page);
    const over = await dragAcrossFirstChart(page, 0.3, 0.6);
    const zoomed = await shownRanges(page);
    expect(zoomed).toHaveLength(1);
    expect(zoomed[0]).not.toBe(whole);
    expect(await page.locator('#zoom-status').textContent()).toMatch(/^showing /);
    await over.dblclick();
    expect(await shownRanges(page)).toEqual([whole]);
  });

  it('sorts the bots table by a column', async () => {
    const { page } = report;
    await page.locator('#bots-table th', { hasText: 'mean receive fps' }).click();
    const fps = (await page.locator('#bots-table tbody tr td:nth-child(9)').allTextContents()).map(Number);
    expect(fps).toHaveLength(24);
    expect(fps).toEqual([...fps].sort((a, b) => a - b));
    expect(fps[0]).toBeLessThan(fps.at(-1)!);
  });
});

describe('jlt report of a killed run', () => {
  it('rebuilds the report from the directory alone and says the run did not finish', async () => {
    const result = await jlt('report', join(root, 'killed'));
    expect(result.code, result.stderr).toBe(0);
    const file = join(root, 'killed', 'report.html');
    expect(result.stdout).toMatch(new RegExp(`^report: ${file} `));
    expect(await readFile(file, 'utf8')).toContain('id="incomplete-banner"');
    const report = await openReport(browser, file);
    try {
      expect(report.problems).toEqual([]);
      expect(await report.page.locator('#verdict').textContent()).toBe('INCOMPLETE');
      expect((await chartsDrawn(report.page)).every((c) => c.points > 0)).toBe(true);
    } finally {
      await report.close();
    }
  });
});
