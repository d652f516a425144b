/**
 * The one-time cost of Grafana Faro in a bot page: the renderer main-thread time (CDP
 * Performance.getMetrics TaskDuration, counted from before navigation) of loading a script-free
 * page with and without jlt's Faro init script (bundle parse, SDK init, instrumentations), in
 * alternating fresh contexts of one Chromium. Used by bots-per-core next to the steady-state figure.
 */
import { CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH, FARO_BINDING, faroInitScript } from '../packages/agents/dist/index.js';
import { chromium } from './playwright.js';

export interface FaroInitCost {
  /** Median main-thread ms per page load, with and without Faro. */
  withFaroMs: number;
  withoutFaroMs: number;
  pages: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function measureFaroInit(url: string, pagesEach = 10): Promise<FaroInitCost> {
  const browser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
  const taken: Record<'with' | 'without', number[]> = { with: [], without: [] };
  try {
    for (let i = 0; i < pagesEach * 2; i++) {
      const faro = i % 2 === 0;
      const context = await browser.newContext({ viewport: { width: 640, height: 360 } });
      if (faro) {
        await context.exposeBinding(FARO_BINDING, () => undefined);
        await context.addInitScript({ content: faroInitScript({ bot: `bench-${i}`, conference: 'bench', scenario: 'faro-init' }) });
      }
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      await page.goto(url, { waitUntil: 'load' });
      // Faro's batch goes out 250 ms after its first items; web vitals settle after load.
      await page.waitForTimeout(1_000);
      const { metrics } = await cdp.send('Performance.getMetrics');
      taken[faro ? 'with' : 'without'].push((metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { withFaroMs: median(taken.with), withoutFaroMs: median(taken.without), pages: pagesEach };
}
