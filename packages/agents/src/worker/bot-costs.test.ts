import { describe, expect, it } from 'vitest';
import { MEASURED_BOT_COSTS, botCostUnits, botsCostUnits } from './bot-costs.js';

describe('botCostUnits', () => {
  it('counts a full chromium bot as one unit, the reference of every capacity', () => {
    expect(MEASURED_BOT_COSTS[0]).toMatchObject({ browser: 'chromium', mode: 'full' });
    expect(botCostUnits('chromium', 'full')).toBe(1);
  });

  it('takes the larger of the CPU and memory ratios from the bench figures', () => {
    // headless shell full: CPU 0.109 / 0.124, memory 94 / 169; lite: CPU 0.087 / 0.124, memory 96 / 169.
    expect(botCostUnits('headless-shell', 'full')).toBeCloseTo(0.109 / 0.124, 10);
    expect(botCostUnits('headless-shell', 'lite')).toBeCloseTo(0.087 / 0.124, 10);
    const memoryBound = [{ browser: 'chromium', mode: 'full', coresPerBot: 0.1, pssMiBPerBot: 100 }, { browser: 'headless-shell', mode: 'lite', coresPerBot: 0.05, pssMiBPerBot: 90 }] as const;
    expect(botCostUnits('headless-shell', 'lite', memoryBound)).toBeCloseTo(0.9, 10);
  });

  it('costs a way the bench did not measure as a full bot of its browser', () => {
    expect(botCostUnits('chromium', 'lite')).toBe(1);
    const onlyChromium = [{ browser: 'chromium', mode: 'full', coresPerBot: 0.2, pssMiBPerBot: 200 }] as const;
    expect(botCostUnits('headless-shell', 'lite', onlyChromium)).toBe(1);
  });

  it('sums a share', () => {
    expect(botsCostUnits('headless-shell', ['full', 'lite', 'lite'])).toBeCloseTo(0.109 / 0.124 + 2 * (0.087 / 0.124), 10);
    expect(botsCostUnits('chromium', [])).toBe(0);
  });
});
