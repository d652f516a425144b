import { accessSync, constants } from 'node:fs';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { JltError, type BotBrowser, type Logger } from '@jlt/core';
import { assertCapacity, DEFAULT_BOT_BUDGET, hostResources, type BotBudget, type Capacity, type HostResources } from './capacity.js';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** Debian's `chromium-headless-shell`: the old headless Chromium, without the browser UI's code (half the memory per bot). */
export const HEADLESS_SHELL_PATH = '/usr/bin/chromium-headless-shell';

export const BROWSER_EXECUTABLES: Readonly<Record<BotBrowser, string>> = { 'headless-shell': HEADLESS_SHELL_PATH, chromium: DEFAULT_CHROMIUM_PATH };

export interface ResolvedBrowser {
  browser: BotBrowser;
  executablePath: string;
  /** Set when the wanted browser is missing and chromium is used instead: why. */
  fallback?: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The executable for a scenario's `bots.browser`; a missing headless shell falls back to chromium. */
export function resolveBrowser(wanted: BotBrowser, executable: (path: string) => boolean = isExecutable): ResolvedBrowser {
  const path = BROWSER_EXECUTABLES[wanted];
  if (wanted === 'chromium' || executable(path)) return { browser: wanted, executablePath: path };
  return {
    browser: 'chromium',
    executablePath: DEFAULT_CHROMIUM_PATH,
    fallback: `${path} is not installed (Debian: apt-get install chromium-headless-shell); bots use ${DEFAULT_CHROMIUM_PATH}, at about twice the memory per bot`,
  };
}

/** Flags every bot browser gets; the fake-capture files are added per pool. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

export interface BrowserPoolOptions {
  /** Fake camera and microphone files; without one Chromium's built-in fake device is used. */
  media: { videoPath?: string; audioPath?: string };
  logger: Logger;
  executablePath?: string;
  extraArgs?: readonly string[];
  /** Bot contexts per Chromium process before another is launched. Default 8. */
  botsPerBrowser?: number;
  budget?: BotBudget;
  /**
   * Bots this pool takes, whatever the host's measured capacity: an operator's override
   * (`--max-bots`). Above the measured capacity the agent is saturated and says so.
   */
  maxBots?: number;
  /** Host cores and memory; injectable for tests. Default: `os` figures at each check. */
  host?: () => HostResources;
  launchTimeoutMs?: number;
}

/**
 * Granted to every bot context, as a user who allowed the camera and microphone. Chromium counts
 * `--use-fake-ui-for-media-stream`'s automatic answer as that grant; the headless shell does not, so
 * without it the page is treated as never granted and WebRTC gathers only one mDNS-hidden
 * (`<uuid>.local`) host candidate per address family on the default route: no loopback, no other
 * interface, nothing a peer outside the machine's mDNS can reach (measured: 4 such candidates
 * against chromium's 16 real ones, and a loopback call between two bots never connects).
 */
export const BOT_PERMISSIONS: readonly string[] = ['camera', 'microphone'];

/** One bot's browser context, on one of the pool's browsers. */
export interface BotLease {
  readonly botId: string;
  readonly context: BrowserContext;
  readonly browserIndex: number;
  /** Closes the context and frees its slot; safe to call twice and after a crash. */
  release(): Promise<void>;
}

/** Called with the bots of a browser that disconnected without being closed by the pool. */
export type CrashListener = (crash: { browserIndex: number; botIds: string[] }) => void;

interface PooledBrowser {
  index: number;
  browser: Browser;
  bots: Set<string>;
  closing: boolean;
}

/**
 * One Chromium per `botsPerBrowser` bots, one context per bot. Refuses to take more bots than the
 * host's cores and memory fit under the per-bot budget (or than `maxBots`, when set). Not safe for concurrent `close()` and
 * `newContext()`; everything else may interleave.
 */
export class BrowserPool {
  readonly botsPerBrowser: number;
  readonly budget: BotBudget;
  private readonly browsers: PooledBrowser[] = [];
  private readonly launching = new Map<number, Promise<PooledBrowser>>();
  private readonly crashListeners = new Set<CrashListener>();
  private nextIndex = 0;
  private reserved = 0;
  private closed = false;

  constructor(private readonly options: BrowserPoolOptions) {
    this.botsPerBrowser = options.botsPerBrowser ?? 8;
    this.budget = options.budget ?? DEFAULT_BOT_BUDGET;
    if (!Number.isInteger(this.botsPerBrowser) || this.botsPerBrowser < 1) {
      throw new JltError('INVALID_ARGUMENT', `botsPerBrowser must be a positive integer (got ${this.botsPerBrowser})`);
    }
  }

  get args(): string[] {
    return [
      ...CHROMIUM_ARGS,
      ...(this.options.media.videoPath === undefined ? [] : [`--use-file-for-fake-video-capture=${this.options.media.videoPath}`]),
      ...(this.options.media.audioPath === undefined ? [] : [`--use-file-for-fake-audio-capture=${this.options.media.audioPath}`]),
      ...(this.options.extraArgs ?? []),
    ];
  }

  get browserCount(): number {
    return this.browsers.length;
  }

  get activeBots(): number {
    return this.browsers.reduce((n, b) => n + b.bots.size, 0);
  }

  /** Room promised to this pool so far, in full chromium bots (see `reserve`). */
  get reservedBots(): number {
    return this.reserved;
  }

  /** Claims room for `bots` more full chromium bots (fractional for cheaper ones: `botCostUnits`), or throws a JltError whose hint says how many fit. */
  reserve(bots: number): Capacity {
    const capacity = assertCapacity(this.reserved + bots, (this.options.host ?? hostResources)(), this.budget, this.options.maxBots);
    this.reserved += bots;
    return capacity;
  }

  unreserve(bots: number): void {
    this.reserved = Math.max(0, this.reserved - bots);
  }

  onCrash(listener: CrashListener): () => void {
    this.crashListeners.add(listener);
    return () => this.crashListeners.delete(listener);
  }

  /** Launches enough browsers for `bots` bots up front, so the first joins don't pay for it. */
  async warmUp(bots: number): Promise<void> {
    const wanted = Math.ceil(bots / this.botsPerBrowser);
    const missing = wanted - this.browsers.length - this.launching.size;
    await Promise.all(Array.from({ length: Math.max(0, missing) }, () => this.launch()));
  }

  async newContext(botId: string, contextOptions: BrowserContextOptions): Promise<BotLease> {
    if (this.closed) throw new JltError('INTERNAL', `browser pool is closed; cannot start bot ${botId}`);
    const pooled = await this.browserWithRoom();
    pooled.bots.add(botId);
    let context: BrowserContext;
    try {
      context = await pooled.browser.newContext({ ...contextOptions, permissions: [...BOT_PERMISSIONS, ...(contextOptions.permissions ?? [])] });
    } catch (error) {
      pooled.bots.delete(botId);
      throw error;
    }
    let released = false;
    return {
      botId,
      context,
      browserIndex: pooled.index,
      release: async () => {
        if (released) return;
        released = true;
        pooled.bots.delete(botId);
        await context.close().catch(() => undefined);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.launching.values()]);
    const all = this.browsers.splice(0);
    for (const b of all) b.closing = true;
    await Promise.all(all.map((b) => b.browser.close().catch(() => undefined)));
  }

  private async browserWithRoom(): Promise<PooledBrowser> {
    const free = this.browsers.find((b) => !b.closing && b.bots.size < this.botsPerBrowser);
    if (free) return free;
    const pendingSlots = [...this.launching.values()];
    if (pendingSlots.length > 0) {
      const launched = await Promise.race(pendingSlots);
      if (launched.bots.size < this.botsPerBrowser) return launched;
    }
    return this.launch();
  }

  private async launch(): Promise<PooledBrowser> {
    const index = this.nextIndex++;
    const pending = (async () => {
      const executablePath = this.options.executablePath ?? DEFAULT_CHROMIUM_PATH;
      // Loaded at the first launch: playwright-core takes over a second to import on a busy
      // machine, which a coordinator (and every jlt command that imports agents) need not pay.
      const { chromium } = await import('playwright-core');
      let browser: Browser;
      try {
        browser = await chromium.launch({
          executablePath,
          args: this.args,
          timeout: this.options.launchTimeoutMs ?? 60_000,
          // Playwright would close browsers and exit the process on these signals; jlt stops bots
          // itself (they hang up, results are written) and closes the pool afterwards.
          handleSIGINT: false,
          handleSIGTERM: false,
          handleSIGHUP: false,
        });
      } catch (cause) {
        throw new JltError('INTERNAL', `could not launch Chromium at ${executablePath}`, {
          hint: 'Install Chromium (Debian: apt-get install chromium) or pass the path of a Chromium binary.',
          cause,
        });
      }
      const pooled: PooledBrowser = { index, browser, bots: new Set(), closing: false };
      browser.on('disconnected', () => this.onDisconnected(pooled));
      this.browsers.push(pooled);
      this.options.logger.log('debug', 'browser launched', { browser: index, version: browser.version() });
      return pooled;
    })();
    this.launching.set(index, pending);
    try {
      return await pending;
    } finally {
      this.launching.delete(index);
    }
  }

  private onDisconnected(pooled: PooledBrowser): void {
    const at = this.browsers.indexOf(pooled);
    if (at >= 0) this.browsers.splice(at, 1);
    if (pooled.closing || this.closed) return;
    const botIds = [...pooled.bots];
    pooled.bots.clear();
    this.options.logger.log('warn', 'browser crashed', { browser: pooled.index, bots: botIds.length });
    for (const listener of this.crashListeners) listener({ browserIndex: pooled.index, botIds });
  }
}
