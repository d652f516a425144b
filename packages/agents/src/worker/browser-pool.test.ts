import { describe, expect, it } from 'vitest';
import { BrowserPool } from './browser-pool.js';

const GiB = 2 ** 30;
const twoCores = () => ({ cores: 2, totalMemoryBytes: 24 * GiB, freeMemoryBytes: 20 * GiB });
const quiet = { log: () => {} };

describe('BrowserPool.reserve', () => {
  it('refuses more bots than the host fits', () => {
    const pool = new BrowserPool({ media: {}, logger: quiet, host: twoCores });
    expect(pool.reserve(6).maxBots).toBe(6);
    expect(() => pool.reserve(1)).toThrow('this agent cannot run 7 bots: 6 fit (2 cores at 0.3 cores per bot)');
  });

  it('takes an operator\'s maxBots over the measured capacity', () => {
    const pool = new BrowserPool({ media: {}, logger: quiet, host: twoCores, maxBots: 10 });
    expect(pool.reserve(10).maxBots).toBe(10);
    expect(pool.reservedBots).toBe(10);
    expect(() => pool.reserve(1)).toThrow('this agent cannot run 11 bots: 10 fit (--max-bots 10)');
  });
});
