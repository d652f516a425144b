import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { AssignedTarget, BotView, Logger, PlannedBot, RunEvent, Sample, Tags } from '@jlt/core';
import type { BotLease, BrowserPool } from './browser-pool.js';
import { cheapBotScript, type CheapBotOptions } from './cheap-bot.js';
import { liteReceiverScript } from './lite-receiver.js';
import { probeConferenceState } from '@jlt/jitsi';
import { addTargetInitScript, JoinFailure, runJoinFlow } from './join-flows.js';
import { attachFaro, faroRecords, type FaroBody, type FaroRecord } from './faro.js';
import type { FaroForwarder } from './faro-forwarder.js';
import { attachStatsProbe, drainStatsProbe, type ProbeDelivery, type ProbeSample } from './stats-probe.js';
import { addressHost, botStatsToSamples } from './stats-samples.js';
import { delay } from './delay.js';

/** Probe samples a bot holds while it cannot yet say where it is, at the least (see `onProbeSample`). */
const MAX_UNTAGGED_SAMPLES = 10;
/** Page events (Faro) one bot reports at most; a page that logs in a loop must not flood the run. */
const MAX_PAGE_EVENTS = 100;

/** Converts this machine's epoch milliseconds to the coordinator's clock. */
export interface Clock {
  toCoordinatorTime(localMs: number): number;
}

/** The protocol's bot states (core `botStates`): `launching` while its context opens, `joining` per attempt. */
export type BotState = 'launching' | 'joining' | 'joined' | 'failed' | 'left' | 'crashed';

export interface BotStateInfo {
  reason?: string;
  bridge?: string;
}

export interface JoinPolicy {
  /** Per attempt, from navigation to joined. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  retryDelayMs: number;
}

export const DEFAULT_JOIN_POLICY: JoinPolicy = { timeoutMs: 60_000, retries: 2, retryDelayMs: 2_000 };

export interface BotOptions extends CheapBotOptions {
  /** Window size, tile view and last-N of this bot's page (core's botView of the scenario's bots). */
  view: BotView;
  /** Grafana Faro in the page (faro.ts): page errors and console warnings become run events. */
  faro: boolean;
}

export const DEFAULT_BOT_OPTIONS: BotOptions = { view: { viewport: { width: 640, height: 360 }, tileView: true }, renderRemoteVideo: false, renderRemoteAudio: true, disableAudioProcessing: true, faro: true };

/**
 * Prepares each new browser context of a bot before its page opens, e.g. `context.addInitScript`
 * (runs in every page before the page's own scripts) or `context.exposeBinding`. Runs after jlt's
 * stats probe, cheap-bot switches and the target's `initScript`; a rejection fails the join attempt.
 */
export type ContextSetup = (context: BrowserContext, bot: PlannedBot) => Promise<void>;

export interface BotDeps {
  pool: BrowserPool;
  clock: Clock;
  tags: { scenario: string; agent: string };
  samples(samples: Sample[]): void;
  events(events: RunEvent[]): void;
  state(state: BotState, info: BotStateInfo): void;
  /** The bot's page crashed (a browser crash is reported by the pool instead). */
  crashed(): void;
  statsIntervalMs: number;
  probeDelivery: ProbeDelivery;
  /** Run on every context the bot opens, in order (see ContextSetup). */
  contextSetup: readonly ContextSetup[];
  /** Screenshots of failed joins go here. */
  artifactsDir: string;
  /** Where Faro's payloads are forwarded unchanged, when the scenario names a collector. */
  faroForwarder?: FaroForwarder;
  logger: Logger;
  now(): number;
}

export interface JoinOutcome {
  joined: boolean;
  attempts: number;
  joinTimeMs?: number;
  reason?: string;
}

const BRIDGE_REFRESH_MS = 5_000;
const HANGUP_TIMEOUT_MS = 3_000;

/**
 * One participant: a browser context and page from the pool, the stats probe, the target's join
 * flow with retries, samples tagged {scenario, agent, conference, bridge, mode}, and a clean leave.
 * A lite bot (`planned.mode`) also gets lite-receiver.ts and plays no remote audio or video.
 * Methods are not re-entrant: the owner awaits `join` or `leave` before calling the next.
 */
export class Bot {
  private lease: BotLease | undefined;
  private currentPage: Page | undefined;
  private bridge = 'unknown';
  private bridgeFromPage = false;
  /** The Jitsi endpoint id (`getMyUserId()`), once the page has told it; lets placement compare per endpoint. */
  private endpoint: string | undefined;
  /** Stats taken before the bridge is known (the first interval after join); tagged once it is. */
  private untagged: ProbeSample[] = [];
  private bridgeTimer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;
  private status: BotState | undefined;
  private leaving = false;
  /** Web-vitals samples from Faro taken before the bot knows its bridge (the page loads before it joins). */
  private heldVitals: FaroRecord['vitals'] = [];
  private pageEvents = 0;

  constructor(
    readonly planned: PlannedBot,
    private readonly target: AssignedTarget,
    private readonly options: BotOptions,
    private readonly policy: JoinPolicy,
    private readonly deps: BotDeps,
  ) {}

  get id(): string {
    return this.planned.id;
  }

  get page(): Page | undefined {
    return this.currentPage;
  }

  get state(): BotState | undefined {
    return this.status;
  }

  /** The bridge tag: the bridge's IP from the page, else the remote ICE candidate's IP, else `unknown`. */
  get bridgeTag(): string {
    return this.bridge;
  }

  private get tags(): Tags {
    return { ...this.deps.tags, conference: this.planned.conference, bridge: this.bridge, mode: this.planned.mode };
  }

  private setState(state: BotState, reason?: string): void {
    this.status = state;
    const info: BotStateInfo = this.bridge === 'unknown' ? {} : { bridge: this.bridge };
    if (reason !== undefined) info.reason = reason;
    this.deps.state(state, info);
  }

  private event(kind: string, level: RunEvent['level'], message: string, meta: Record<string, string | number | boolean | null> = {}): void {
    this.deps.events([{ time: this.deps.clock.toCoordinatorTime(this.deps.now()), kind, level, message, tags: this.tags, meta: { bot: this.id, ...meta } }]);
  }

  private get sampleMeta(): Record<string, string> {
    return this.endpoint === undefined ? { bot: this.id } : { bot: this.id, endpoint: this.endpoint };
  }

  private sample(metric: string, value: number): void {
    this.deps.samples([{ metric, value, time: this.deps.clock.toCoordinatorTime(this.deps.now()), tags: this.tags, meta: this.sampleMeta }]);
  }

  private onProbeSample(stats: ProbeSample): void {
    if (!this.bridgeFromPage && stats.remoteAddress !== undefined) {
      const bridge = addressHost(stats.remoteAddress);
      if (bridge !== this.bridge) {
        this.bridge = bridge;
        if (this.status === 'joined') this.setState('joined');
      }
    }
    // The bot is on its bridge from the first packet, but on Jitsi-like targets the page names the
    // bridge and the endpoint id only at join: a sample taken before waits (at most one join timeout
    // of samples) so that every sample carries the bridge and endpoint it belongs to.
    if (!this.identified && this.untagged.length < this.maxUntagged) {
      this.untagged.push(stats);
      return;
    }
    this.flushUntagged();
    this.emit(stats);
  }

  private get identified(): boolean {
    if (this.bridge === 'unknown') return false;
    return this.target.kind === 'page' || this.bridgeFromPage || this.status === 'joined';
  }

  private get maxUntagged(): number {
    return Math.max(MAX_UNTAGGED_SAMPLES, Math.ceil(this.policy.timeoutMs / this.deps.statsIntervalMs));
  }

  private emit(stats: ProbeSample): void {
    this.deps.samples(botStatsToSamples(stats, this.deps.clock.toCoordinatorTime(stats.t), this.tags, this.sampleMeta));
  }

  private flushUntagged(): void {
    const waiting = this.untagged;
    this.untagged = [];
    for (const stats of waiting) this.emit(stats);
    if (this.heldVitals.length > 0) {
      this.deps.samples(this.heldVitals.map((vital) => this.vitalSample(vital)));
      this.heldVitals = [];
    }
  }

  /** Tagged like the bot's stats, plus `vital` (fcp, lcp, …) where the metric has it; page time converted. */
  private vitalSample(vital: FaroRecord['vitals'][number]): Sample {
    const tags = vital.vital === undefined ? this.tags : { ...this.tags, vital: vital.vital };
    return { metric: vital.metric, value: vital.value, time: this.deps.clock.toCoordinatorTime(vital.time), tags, meta: this.sampleMeta };
  }

  /** One Faro batch from the page: forwarded as is, and turned into run events and web-vitals samples. */
  private onFaro(body: FaroBody): void {
    this.deps.faroForwarder?.forward(body);
    const { events, vitals } = faroRecords(body, this.id, () => this.deps.now());
    const toRun = (pageMs: number): number => this.deps.clock.toCoordinatorTime(pageMs);
    const room = MAX_PAGE_EVENTS - this.pageEvents;
    if (events.length > 0 && room > 0) {
      const tags = this.tags;
      const kept = events.slice(0, room).map((event) => ({ ...event, time: toRun(event.time), tags }));
      this.pageEvents += kept.length;
      if (this.pageEvents === MAX_PAGE_EVENTS) {
        kept.push({ time: toRun(this.deps.now()), kind: 'page.events_suppressed', level: 'warn', message: `${this.id}: more than ${MAX_PAGE_EVENTS} page events; further ones are not recorded`, tags, meta: { bot: this.id } });
      }
      this.deps.events(kept);
    }
    for (const vital of vitals) {
      if (this.identified) this.deps.samples([this.vitalSample(vital)]);
      else if (this.heldVitals.length < MAX_UNTAGGED_SAMPLES) this.heldVitals.push(vital);
    }
  }

  /** Joins, retrying per policy; each attempt gets a fresh context. Never throws for a failed join. */
  async join(signal: AbortSignal): Promise<JoinOutcome> {
    const attempts = this.policy.retries + 1;
    let reason = 'aborted';
    let tried = 0;
    for (let attempt = 1; attempt <= attempts && !signal.aborted; attempt++) {
      tried = attempt;
      this.setState('launching', attempt === 1 ? undefined : `retry ${attempt - 1} of ${this.policy.retries}`);
      try {
        await this.openPage();
        this.setState('joining');
        const page = this.currentPage as Page;
        const flowStarted = this.deps.now();
        const state = await runJoinFlow({
          page,
          bot: this.planned,
          target: this.target,
          view: this.options.view,
          displayName: this.id,
          deadlineMs: flowStarted + this.policy.timeoutMs,
          signal,
          now: () => this.deps.now(),
        });
        const joinTimeMs = this.deps.now() - flowStarted;
        if (state?.userId !== undefined) this.endpoint = state.userId;
        if (state?.bridgeIp !== undefined) this.setBridgeFromPage(state.bridgeIp);
        this.sample('bot_join_time_ms', joinTimeMs);
        this.sample('bot_join_success', 1);
        this.event('bot.joined', 'info', `${this.id} joined ${this.planned.conference} in ${joinTimeMs} ms`, { attempt, joinTimeMs });
        this.setState('joined');
        if (this.target.kind !== 'page') this.watchBridge();
        return { joined: true, attempts: attempt, joinTimeMs };
      } catch (error) {
        const failure = error instanceof JoinFailure ? error : new JoinFailure('step', error instanceof Error ? error.message.split('\n')[0] ?? error.name : String(error), { cause: error });
        reason = failure.message;
        if (failure.reason === 'aborted' || signal.aborted) break;
        const screenshot = await this.screenshot(`${this.id}-join-${attempt}.png`);
        this.sample('bot_join_success', 0);
        const last = attempt === attempts;
        this.event('bot.join_failed', last ? 'error' : 'warn', `${this.id} failed to join ${this.planned.conference} (attempt ${attempt}/${attempts}): ${failure.message}`, {
          attempt,
          reason: failure.reason,
          detail: failure.message,
          screenshot,
        });
        await this.closePage();
        if (!last) await delay(this.policy.retryDelayMs, signal);
      }
    }
    await this.closePage();
    if (!signal.aborted) this.setState('failed', reason);
    return { joined: false, attempts: tried, reason };
  }

  /** Records that the bot's browser or page died; its context is gone, `join` may be called again. */
  async markCrashed(cause: string): Promise<void> {
    if (this.status === 'crashed' || this.status === 'left' || this.leaving) return;
    this.setState('crashed', cause);
    this.event('bot.crashed', 'error', `${this.id} crashed: ${cause}`, { cause });
    await this.closePage();
  }

  /** Hangs up (Jitsi: `APP.conference.hangup()`, bounded) and closes the context. */
  async leave(): Promise<void> {
    if (this.status === 'left' || this.leaving) return;
    this.leaving = true;
    const wasJoined = this.status === 'joined';
    const page = this.currentPage;
    if (wasJoined && page !== undefined && this.target.kind !== 'page') {
      await Promise.race([
        page.evaluate(() => {
          const conference = (window as unknown as { APP?: { conference?: { hangup?: (requestFeedback?: boolean) => unknown } } }).APP?.conference;
          return Promise.resolve(conference?.hangup?.(false)).then(() => undefined);
        }),
        delay(HANGUP_TIMEOUT_MS, new AbortController().signal),
      ]).catch(() => undefined);
    }
    await this.closePage();
    this.leaving = false;
    this.setState('left');
  }

  private async openPage(): Promise<void> {
    const lite = this.planned.mode === 'lite';
    // A lite page's frame transform runs in a blob: worker, which a target's Content-Security-Policy may forbid.
    const lease = await this.deps.pool.newContext(this.id, { viewport: this.options.view.viewport, ...(lite ? { bypassCSP: true } : {}) });
    this.lease = lease;
    if (this.options.faro) {
      await attachFaro(lease.context, { bot: this.id, conference: this.planned.conference, scenario: this.deps.tags.scenario }, (body) => this.onFaro(body));
    }
    await attachStatsProbe(lease.context, { intervalMs: this.deps.statsIntervalMs, delivery: this.deps.probeDelivery }, (s) => this.onProbeSample(s));
    await lease.context.addInitScript({ content: cheapBotScript(lite ? { ...this.options, renderRemoteVideo: false, renderRemoteAudio: false } : this.options) });
    if (lite) await lease.context.addInitScript({ content: liteReceiverScript() });
    await addTargetInitScript(lease.context, this.target, this.planned, this.id);
    for (const setup of this.deps.contextSetup) await setup(lease.context, this.planned);
    const page = await lease.context.newPage();
    page.on('crash', () => this.deps.crashed());
    this.currentPage = page;
    if (this.deps.probeDelivery === 'drain') this.drainTimer = setInterval(() => void this.drain(page), this.deps.statsIntervalMs);
  }

  private async drain(page: Page): Promise<void> {
    const samples = await drainStatsProbe(page).catch((): ProbeSample[] => []);
    for (const s of samples) this.onProbeSample(s);
  }

  private async closePage(): Promise<void> {
    if (this.bridgeTimer !== undefined) clearInterval(this.bridgeTimer);
    if (this.drainTimer !== undefined) clearInterval(this.drainTimer);
    this.bridgeTimer = undefined;
    this.drainTimer = undefined;
    const lease = this.lease;
    const page = this.currentPage;
    this.lease = undefined;
    this.currentPage = undefined;
    // Drained delivery keeps up to one interval of samples in the page; take them before it closes.
    if (this.deps.probeDelivery === 'drain' && page !== undefined && !page.isClosed()) await this.drain(page);
    this.flushUntagged();
    await lease?.release();
  }

  private setBridgeFromPage(bridge: string): void {
    this.bridgeFromPage = true;
    if (bridge === this.bridge) return;
    this.bridge = bridge;
    this.flushUntagged();
    if (this.status === 'joined') this.setState('joined');
  }

  /** Bridges can change (migration, Octo), so the page is asked again every few seconds. */
  private watchBridge(): void {
    this.bridgeTimer = setInterval(() => {
      const page = this.currentPage;
      if (page === undefined) return;
      page
        .evaluate(probeConferenceState)
        .then((state) => {
          if (state.userId !== undefined) this.endpoint = state.userId;
          if (state.bridgeIp !== undefined) this.setBridgeFromPage(state.bridgeIp);
        })
        .catch(() => undefined);
    }, BRIDGE_REFRESH_MS);
  }

  private async screenshot(name: string): Promise<string | null> {
    const page = this.currentPage;
    if (page === undefined) return null;
    try {
      await mkdir(this.deps.artifactsDir, { recursive: true });
      const path = join(this.deps.artifactsDir, name);
      await page.screenshot({ path, timeout: 10_000 });
      return path;
    } catch (error) {
      this.deps.logger.log('warn', 'join failure screenshot failed', { bot: this.id, error: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }
}
