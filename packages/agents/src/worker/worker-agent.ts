import { botView, everyFieldHandled, JltError, type AssignedScenario, type AssignedTarget, type BotBrowser, type BotsOptions, type Logger, type PlannedBot, type RunEvent, type Sample } from '@jlt/core';
import { Bot, DEFAULT_BOT_OPTIONS, DEFAULT_JOIN_POLICY, type BotOptions, type BotState, type BotStateInfo, type Clock, type ContextSetup, type JoinPolicy } from './bot.js';
import { botsCostUnits } from './bot-costs.js';
import { BrowserPool, resolveBrowser, type BrowserPoolOptions } from './browser-pool.js';
import { ensureFakeAudio, ensureFakeVideo } from './fake-media.js';
import { FaroForwarder } from './faro-forwarder.js';
import { startHealthMonitor, type HealthMonitor } from './health.js';
import { meetingUrlFor } from './join-flows.js';
import { scheduleAt } from './schedule.js';
import type { ProbeDelivery } from './stats-probe.js';

/** The fake media every bot of the share sends: the scenario's `media`. */
export type ShareMedia = AssignedScenario['media'];

/** Where a share's results go. Calls are synchronous and must not block (buffer, then flush elsewhere). */
export interface WorkerSink {
  samples(samples: Sample[]): void;
  events(events: RunEvent[]): void;
  botState(botId: string, state: BotState, info: BotStateInfo): void;
}

export interface WorkerShareOptions {
  bots: readonly PlannedBot[];
  target: AssignedTarget;
  media: ShareMedia;
  tags: { scenario: string; agent: string };
  clock: Clock;
  sink: WorkerSink;
  /** Aborting ends the share like `stop()`. */
  signal: AbortSignal;
  logger: Logger;
  /** Failure screenshots go here. */
  artifactsDir: string;
  botOptions?: Partial<Omit<BotOptions, 'view'>>;
  /** The scenario's bots-wide view and its per-participant overrides; default a 640x360 window, Jitsi's tile view and last-N. */
  views?: BotViews;
  joinPolicy?: Partial<JoinPolicy>;
  statsIntervalMs?: number;
  /** Run on every browser context a bot opens, before its page (see ContextSetup); default none. */
  contextSetup?: readonly ContextSetup[];
  /** Restarts per bot after a browser or page crash. Default 2. */
  maxRestarts?: number;
  /** A pool shared with other shares (kept open at the end); otherwise the share makes and closes its own. */
  pool?: BrowserPool;
  poolOptions?: Omit<BrowserPoolOptions, 'media' | 'logger'>;
  /**
   * The share's own pool's browser (scenario `bots.browser`; default the headless shell, chromium
   * when it is missing: an `agent.browser_fallback` event says so). `poolOptions.executablePath` wins.
   */
  browser?: BotBrowser;
  mediaCacheDir?: string;
  /**
   * Default `drain`: measured with a loopback call per page, a collection cost ~2.4 ms CPU drained vs
   * ~6.3 ms pushed through `exposeBinding` (page + agent), and the agent's per-sample cost is no higher.
   */
  probeDelivery?: ProbeDelivery;
  /** Agent health samples every second while running. Default true. */
  health?: boolean;
  /** Forward every bot page's Faro payloads, unchanged, to this collector URL (with `botOptions.faro`). */
  faroCollectorUrl?: string;
  now?: () => number;
}

export type BotViews = Pick<BotsOptions, 'viewport' | 'tileView' | 'lastN' | 'overrides'>;

const DEFAULT_VIEWS: BotViews = { viewport: DEFAULT_BOT_OPTIONS.view.viewport, tileView: true, overrides: [] };

export type BotOutcomeState = 'left' | 'failed' | 'crashed' | 'not-started';

export interface BotOutcome {
  id: string;
  state: BotOutcomeState;
  joined: boolean;
  /** Join attempts over all restarts. */
  attempts: number;
  restarts: number;
  /** The first successful join's time. */
  joinTimeMs?: number;
  reason?: string;
}

interface Running {
  bot: Bot;
  outcome: BotOutcome;
  cancelStart: () => void;
  /** Resolves the current wait for a crash or the end. */
  wake: () => void;
  crashed: boolean;
  done: Promise<void>;
}

/**
 * One agent's share of a run: its bots, their browsers and the schedule.
 * 1. `prepare()` makes the media files, checks capacity and launches browsers (the coordinator's barrier);
 * 2. `start(startAtLocalMs, endAtLocalMs)` starts each bot at `startAtLocalMs + startOffsetMs`;
 * 3. a crashed bot is restarted up to `maxRestarts` times; `addBots` adds bots at any time;
 * 4. at `endAtLocalMs`, on `stop()` or when `signal` aborts, every bot leaves; `finished` resolves after.
 * Methods are called from one event loop; none blocks it.
 */
export class WorkerShare {
  readonly finished: Promise<void>;
  readonly outcomes: Promise<BotOutcome[]>;
  private readonly running = new Map<string, Running>();
  private readonly pending: PlannedBot[] = [];
  private readonly stopController = new AbortController();
  private readonly now: () => number;
  private readonly botOptions: Omit<BotOptions, 'view'>;
  private readonly views: BotViews;
  private readonly joinPolicy: JoinPolicy;
  private pool: BrowserPool | undefined;
  private ownsPool = false;
  private reserved = 0;
  /**
   * The browser this share's bots are costed on: its own pool's resolved browser, or chromium (one
   * unit per bot, whatever the mode) for a pool it was given, whose browser it does not know.
   */
  private costedBrowser: BotBrowser = 'chromium';
  private unsubscribeCrash: (() => void) | undefined;
  private health: HealthMonitor | undefined;
  private startAt: number | undefined;
  private cancelEnd: (() => void) | undefined;
  private resolveStarted: () => void = () => undefined;
  private readonly started = new Promise<void>((resolve) => (this.resolveStarted = resolve));
  private stopReason: string | undefined;
  private finishing: Promise<void> | undefined;
  private readonly faroForwarder: FaroForwarder | undefined;
  /** On the caller's signal, which outlives the share (a long-lived agent's): removed once settled. */
  private readonly onAbort = (): void => void this.stop('aborted');

  constructor(private readonly options: WorkerShareOptions) {
    this.now = options.now ?? Date.now;
    this.botOptions = { ...DEFAULT_BOT_OPTIONS, ...options.botOptions };
    this.views = options.views ?? DEFAULT_VIEWS;
    this.joinPolicy = { ...DEFAULT_JOIN_POLICY, ...options.joinPolicy };
    this.pending.push(...options.bots);
    if (this.botOptions.faro && options.faroCollectorUrl !== undefined) this.faroForwarder = new FaroForwarder(options.faroCollectorUrl, options.logger);
    if (options.signal.aborted) queueMicrotask(this.onAbort);
    else options.signal.addEventListener('abort', this.onAbort, { once: true });
    this.outcomes = this.started.then(() => this.settle());
    this.finished = this.outcomes.then(() => undefined);
  }

  /** Media files present, capacity checked, browsers launched. Throws a JltError when bots don't fit. */
  async prepare(): Promise<void> {
    const { media, target } = this.options;
    const first = this.pending[0];
    // A bad room name or config key fails here, once, rather than as a join failure per bot.
    if (target.kind !== 'page' && first !== undefined) meetingUrlFor(target, first, first.id, botView(this.views, first.participantIndex));
    const cacheDir = this.options.mediaCacheDir;
    const [video, audio] = await Promise.all([
      media.video === false ? undefined : ensureFakeVideo({ ...fakeCamera(media.video), cacheDir }),
      media.audio ? ensureFakeAudio(cacheDir) : undefined,
    ]);
    this.pool = this.options.pool;
    if (this.pool === undefined) {
      const executablePath = this.options.poolOptions?.executablePath ?? this.resolveExecutable();
      this.pool = new BrowserPool({ ...this.options.poolOptions, executablePath, media: { videoPath: video?.path, audioPath: audio?.path }, logger: this.options.logger });
      this.ownsPool = true;
    }
    const units = this.costUnits(this.pending);
    this.pool.reserve(units);
    this.reserved = units;
    this.unsubscribeCrash = this.pool.onCrash(({ botIds }) => {
      for (const id of botIds) this.onCrash(id, 'browser crashed');
    });
    await this.pool.warmUp(this.pending.length);
  }

  /** Starts the schedule. `endAtLocalMs` may be Infinity (run until `stop`). */
  start(startAtLocalMs: number, endAtLocalMs: number): void {
    if (this.pool === undefined) throw new JltError('INTERNAL', 'WorkerShare.start() called before prepare()');
    if (this.startAt !== undefined) return;
    this.startAt = startAtLocalMs;
    if (this.options.health !== false) {
      this.health = startHealthMonitor({
        tags: this.options.tags,
        clock: this.options.clock,
        samples: (s) => this.options.sink.samples(s),
        events: (e) => this.options.sink.events(e),
        now: this.now,
      });
    }
    this.cancelEnd = scheduleAt(endAtLocalMs, this.now, () => void this.stop('end of run'));
    for (const bot of this.pending.splice(0)) this.launch(bot);
    this.resolveStarted();
  }

  /** Adds bots (e.g. moved from a lost agent); each starts at its own offset, at once if that is past. */
  addBots(bots: readonly PlannedBot[]): void {
    if (this.stopController.signal.aborted) return;
    const fresh = bots.filter((b) => !this.running.has(b.id) && !this.pending.some((p) => p.id === b.id));
    if (this.pool !== undefined) {
      try {
        const units = this.costUnits(fresh);
        this.pool.reserve(units);
        this.reserved += units;
      } catch (error) {
        const reason = error instanceof JltError ? `${error.message}. ${error.hint ?? ''}`.trim() : String(error);
        for (const b of fresh) this.options.sink.botState(b.id, 'failed', { reason });
        this.options.sink.events([{ time: this.options.clock.toCoordinatorTime(this.now()), kind: 'agent.refused_bots', level: 'error', message: reason, tags: this.options.tags, meta: { bots: fresh.length } }]);
        return;
      }
    }
    if (this.startAt === undefined) this.pending.push(...fresh);
    else for (const bot of fresh) this.launch(bot);
  }

  /** A started bot (its page, state and bridge), for inspection. */
  bot(id: string): Bot | undefined {
    return this.running.get(id)?.bot;
  }

  activeBots(): number {
    let n = 0;
    for (const r of this.running.values()) if (r.bot.state === 'joined') n++;
    return n;
  }

  /** Every bot leaves; resolves when they have and the share's own browsers are closed. Idempotent. */
  async stop(reason: string): Promise<void> {
    if (this.stopReason === undefined) {
      this.stopReason = reason;
      this.options.logger.log('debug', 'share stopping', { reason });
      this.stopController.abort();
      this.cancelEnd?.();
      for (const r of this.running.values()) {
        r.cancelStart();
        r.wake();
      }
      this.resolveStarted();
    }
    await this.finished;
  }

  /** The share's browser, announced in an `agent.browser` event (`agent.browser_fallback` when it is not the wanted one). */
  private resolveExecutable(): string {
    const wanted = this.options.browser ?? 'headless-shell';
    const resolved = resolveBrowser(wanted);
    const meta = { wanted, used: resolved.browser, executablePath: resolved.executablePath };
    const time = this.options.clock.toCoordinatorTime(this.now());
    if (resolved.fallback !== undefined) {
      this.options.logger.log('warn', 'browser fallback', { reason: resolved.fallback });
      this.options.sink.events([{ time, kind: 'agent.browser_fallback', level: 'warn', message: resolved.fallback, tags: this.options.tags, meta }]);
    } else {
      this.options.sink.events([{ time, kind: 'agent.browser', level: 'info', message: `bots run on ${resolved.executablePath}`, tags: this.options.tags, meta }]);
    }
    this.costedBrowser = resolved.browser;
    return resolved.executablePath;
  }

  /** The pool capacity `bots` take, in full chromium bots, from the bench's measured costs. */
  private costUnits(bots: readonly PlannedBot[]): number {
    return botsCostUnits(this.costedBrowser, bots.map((bot) => bot.mode));
  }

  private launch(planned: PlannedBot): void {
    const startAt = this.startAt as number;
    const outcome: BotOutcome = { id: planned.id, state: 'not-started', joined: false, attempts: 0, restarts: 0 };
    const bot = new Bot(planned, this.options.target, { ...this.botOptions, view: botView(this.views, planned.participantIndex) }, this.joinPolicy, {
      pool: this.pool as BrowserPool,
      clock: this.options.clock,
      tags: this.options.tags,
      samples: (s) => this.options.sink.samples(s),
      events: (e) => this.options.sink.events(e),
      state: (state, info) => this.options.sink.botState(planned.id, state, info),
      crashed: () => this.onCrash(planned.id, 'page crashed'),
      statsIntervalMs: this.options.statsIntervalMs ?? 1000,
      probeDelivery: this.options.probeDelivery ?? 'drain',
      contextSetup: this.options.contextSetup ?? [],
      artifactsDir: this.options.artifactsDir,
      ...(this.faroForwarder === undefined ? {} : { faroForwarder: this.faroForwarder }),
      logger: this.options.logger,
      now: this.now,
    });
    let begin: () => void = () => undefined;
    const begun = new Promise<void>((resolve) => (begin = resolve));
    const entry: Running = { bot, outcome, cancelStart: () => begin(), wake: () => undefined, crashed: false, done: Promise.resolve() };
    const cancelTimer = scheduleAt(startAt + planned.startOffsetMs, this.now, begin);
    entry.cancelStart = () => {
      cancelTimer();
      begin();
    };
    entry.done = begun.then(() => this.runBot(entry));
    this.running.set(planned.id, entry);
  }

  /** 1. join (with retries); 2. wait for a crash or the end; 3. restart after a crash if allowed; 4. leave. */
  private async runBot(entry: Running): Promise<void> {
    const { bot, outcome } = entry;
    const stop = this.stopController.signal;
    const maxRestarts = this.options.maxRestarts ?? 2;
    while (!stop.aborted) {
      entry.crashed = false;
      const joined = await bot.join(stop);
      outcome.attempts += joined.attempts;
      if (!joined.joined) {
        if (!stop.aborted) {
          outcome.state = 'failed';
          if (joined.reason !== undefined) outcome.reason = joined.reason;
        }
        break;
      }
      outcome.joined = true;
      outcome.joinTimeMs ??= joined.joinTimeMs;
      outcome.state = 'left';
      await new Promise<void>((resolve) => {
        entry.wake = resolve;
        if (stop.aborted || entry.crashed) resolve();
      });
      if (!entry.crashed || stop.aborted) break;
      if (outcome.restarts >= maxRestarts) {
        outcome.state = 'crashed';
        outcome.reason = `crashed ${outcome.restarts + 1} times; restart limit ${maxRestarts} reached`;
        this.options.sink.events([{ time: this.options.clock.toCoordinatorTime(this.now()), kind: 'bot.gave_up', level: 'error', message: `${bot.id}: ${outcome.reason}`, tags: this.options.tags, meta: { bot: bot.id } }]);
        return;
      }
      outcome.restarts++;
      this.options.sink.events([{ time: this.options.clock.toCoordinatorTime(this.now()), kind: 'bot.restarted', level: 'warn', message: `${bot.id} restarted after a crash (${outcome.restarts}/${maxRestarts})`, tags: this.options.tags, meta: { bot: bot.id, restart: outcome.restarts } }]);
    }
    if (outcome.state !== 'failed' && outcome.state !== 'not-started') await bot.leave();
  }

  private onCrash(botId: string, cause: string): void {
    const entry = this.running.get(botId);
    if (entry === undefined) return;
    entry.crashed = true;
    void entry.bot.markCrashed(cause).finally(() => entry.wake());
  }

  /** Waits until stopped and every bot is done, then releases capacity and the share's browsers. */
  private async settle(): Promise<BotOutcome[]> {
    await new Promise<void>((resolve) => {
      if (this.stopController.signal.aborted) resolve();
      else this.stopController.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    this.finishing ??= (async () => {
      this.options.signal.removeEventListener('abort', this.onAbort);
      await Promise.all([...this.running.values()].map((r) => r.done));
      await this.faroForwarder?.close();
      this.health?.stop();
      this.unsubscribeCrash?.();
      this.pool?.unreserve(this.reserved);
      if (this.ownsPool) await this.pool?.close();
    })();
    await this.finishing;
    return [...this.running.values()].map((r) => r.outcome).concat(this.pending.map((b) => ({ id: b.id, state: 'not-started' as const, joined: false, attempts: 0, restarts: 0 })));
  }
}

/** The fake camera's format, each field taken by name. */
function fakeCamera(video: Exclude<ShareMedia['video'], false>): { width: number; height: number; fps: number } {
  const { width, height, fps, ...rest } = video;
  everyFieldHandled(rest, 'the fake camera');
  return { width, height, fps };
}
