import { describe, expect, it } from 'vitest';
import { BrowserPool, DEFAULT_CHROMIUM_PATH, HEADLESS_SHELL_PATH, resolveBrowser } from './browser-pool.js';

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

  it('reserves fractional room for bots that cost less than a full chromium bot', () => {
    const pool = new BrowserPool({ media: {}, logger: quiet, host: twoCores });
    pool.reserve(8 * 0.7);
    expect(pool.reservedBots).toBeCloseTo(5.6, 10);
    expect(() => pool.reserve(0.7)).toThrow('this agent cannot run bots taking the room of 6.3 full chromium bots: 6 fit (2 cores at 0.3 cores per bot)');
  });
});

describe('resolveBrowser', () => {
  it('takes the headless shell where it is installed', () => {
    expect(resolveBrowser('headless-shell', (path) => path === HEADLESS_SHELL_PATH)).toEqual({ browser: 'headless-shell', executablePath: HEADLESS_SHELL_PATH });
  });

  it('falls back to chromium without the headless shell, and says why and how to install it', () => {
    const resolved = resolveBrowser('headless-shell', () => false);
    expect(resolved).toMatchObject({ browser: 'chromium', executablePath: DEFAULT_CHROMIUM_PATH });
    expect(resolved.fallback).toContain(`${HEADLESS_SHELL_PATH} is not installed`);
    expect(resolved.fallback).toContain('apt-get install chromium-headless-shell');
  });

  it('uses chromium when asked, without looking for the headless shell', () => {
    expect(resolveBrowser('chromium', () => {
      throw new Error('must not be probed');
    })).toEqual({ browser: 'chromium', executablePath: DEFAULT_CHROMIUM_PATH });
  });
});
