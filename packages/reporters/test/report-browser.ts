import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium, headless, as the project runs it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface OpenedReport {
  page: Page;
  /** Console errors and warnings, and uncaught page errors. */
  problems: string[];
  /** Every request the page made beyond its own file (there must be none). */
  requests: string[];
  /** From navigation until the page set `data-ready` (every chart and map drawn). */
  readyMs: number;
  close(): Promise<void>;
}

/** Opens a report file in a fresh page, records what it asks of the network, and waits until it has drawn everything. */
export async function openReport(browser: Browser, file: string, viewport = { width: 1400, height: 1000 }): Promise<OpenedReport> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  const url = `file://${file}`;
  await context.route('**/*', async (route) => {
    if (route.request().url() === url) return route.continue();
    requests.push(route.request().url());
    return route.abort();
  });
  const started = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true' || document.documentElement.dataset.error !== undefined, undefined, { timeout: 30_000 });
  const readyMs = Date.now() - started;
  const error = await page.evaluate(() => document.documentElement.dataset.error);
  if (error !== undefined) problems.push(`report error: ${error}`);
  return { page, problems, requests, readyMs, close: () => context.close() };
}

/**
 * Per chart: its title, the points it drew, and how many pixels of its canvas carry a saturated
 * colour — series lines and bands; grid, axes and labels are grey.
 */
export function chartsDrawn(page: Page): Promise<{ title: string; points: number; coloured: number }[]> {
  return page.$$eval('.plot', (plots) =>
    plots.map((plot) => {
      const canvas = plot.querySelector('canvas');
      const context = canvas?.getContext('2d');
      let coloured = 0;
      if (canvas && context && canvas.width > 0 && canvas.height > 0) {
        const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
          if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
        }
      }
      return { title: (plot as HTMLElement).dataset.chart ?? '', points: Number((plot as HTMLElement).dataset.points ?? 0), coloured };
    }),
  );
}

/** The bucket ranges the page's charts show (`data-shown`), each distinct one once: one when they zoom together. */
export function shownRanges(page: Page): Promise<string[]> {
  return page.$$eval('.plot', (plots) => [...new Set(plots.map((p) => (p as HTMLElement).dataset.shown ?? ''))]);
}

/** Drags across the first chart from `from` to `to` (shares of its width), as a reader zooms in. */
export async function dragAcrossFirstChart(page: Page, from: number, to: number): Promise<Locator> {
  const over = page.locator('.plot .u-over').first();
  await over.scrollIntoViewIfNeeded();
  const box = (await over.boundingBox())!;
  await page.mouse.move(box.x + box.width * from, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  return over;
}
