import { describe, expect, it } from 'vitest';
import { JltError } from '@jlt/core';
import { assertCapacity, botCapacity, DEFAULT_BOT_BUDGET } from './capacity.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

describe('botCapacity', () => {
  it.each([
    { cores: 2, free: 20 * GiB, budget: DEFAULT_BOT_BUDGET, maxBots: 6, byCpu: 6 },
    { cores: 16, free: 2 * GiB, budget: DEFAULT_BOT_BUDGET, maxBots: 8, byCpu: 53 },
    { cores: 2, free: 100 * MiB, budget: DEFAULT_BOT_BUDGET, maxBots: 0, byCpu: 6 },
    { cores: 3, free: 8 * GiB, budget: { coresPerBot: 0.1, memoryBytesPerBot: 100 * MiB }, maxBots: 30, byCpu: 30 },
  ])('$cores cores, free $free bytes → $maxBots bots', ({ cores, free, budget, maxBots, byCpu }) => {
    const c = botCapacity({ cores, totalMemoryBytes: 24 * GiB, freeMemoryBytes: free }, budget);
    expect(c.maxBots).toBe(maxBots);
    expect(c.byCpu).toBe(byCpu);
  });
});

describe('assertCapacity', () => {
  const host = { cores: 2, totalMemoryBytes: 24 * GiB, freeMemoryBytes: 20 * GiB };
  it('accepts up to the limit', () => {
    expect(assertCapacity(6, host, DEFAULT_BOT_BUDGET).maxBots).toBe(6);
  });
  it('refuses over-commit with a hint naming how many fit', () => {
    let error: unknown;
    try {
      assertCapacity(7, host, DEFAULT_BOT_BUDGET);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JltError);
    expect((error as JltError).code).toBe('AGENT_REFUSED');
    expect((error as JltError).message).toContain('6 fit (2 cores at 0.3 cores per bot)');
    // The per-bot budget is the same at every resolution: lowering it is no way out.
    expect((error as JltError).hint).toContain('--max-bots N');
    expect((error as JltError).hint).not.toMatch(/resolution/);
  });
  it('takes an operator\'s --max-bots over the measured capacity, in both directions', () => {
    expect(assertCapacity(10, host, DEFAULT_BOT_BUDGET, 10).maxBots).toBe(10);
    expect(() => assertCapacity(3, host, DEFAULT_BOT_BUDGET, 2)).toThrow('this agent cannot run 3 bots: 2 fit (--max-bots 2)');
  });
  it('names memory when memory is the limit', () => {
    expect(() => assertCapacity(3, { ...host, freeMemoryBytes: 500 * MiB }, DEFAULT_BOT_BUDGET)).toThrow(/2 fit \(500 MiB free at 250 MiB per bot\)/);
  });
});
