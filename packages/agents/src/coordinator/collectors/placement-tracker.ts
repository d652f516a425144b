import type { Logger, PlacementRecord, RunEvent, Sample } from '@jlt/core';
import type { CollectorSink } from './collector.js';
import type { DebugSnapshot } from './jvb-rest-collector.js';

/** What one bot believes: the bridge it talks to, as its page or ICE candidate reports it. */
export interface BotPlacementObservation {
  time: number;
  /** The room name (the `conference` tag). */
  conference: string;
  /** A bridge IP address (what bots see) or a bridge id. */
  bridge: string;
  bot: string;
  /** The bot's Jitsi endpoint id (`APP.conference.getMyUserId()`), when known: then it is compared per endpoint. */
  endpoint?: string;
}

/** A stretch of time during which an endpoint was on a bridge, by one source. `to` is absent while it lasts. */
export interface PlacementInterval {
  source: 'debug' | 'bot';
  bridge: string;
  conference: string;
  /** The endpoint id, or for bots that did not report one, the bot id. */
  endpoint: string;
  from: number;
  to?: number;
}

/** A stretch of time during which a conference had local endpoints on more than one bridge. */
export interface SplitConference {
  conference: string;
  /** Every bridge that hosted local endpoints of it during the stretch, sorted. */
  bridges: string[];
  from: number;
  to?: number;
}

/** For run metadata: what the placement looked like over the whole run. */
export interface PlacementSummary {
  /** Conferences any bridge reported. */
  conferences: number;
  /** Conferences that were split across bridges at some time. */
  splitConferences: number;
  /** The most conferences split at the same time. */
  maxSimultaneousSplit: number;
  /** Mismatches between bots and `/debug` that lasted longer than the grace period. */
  mismatches: number;
  /** Bridge addresses bots reported that no known bridge has, sorted; empty while no bridge is known. */
  unknownBridgeAddresses: string[];
}

export interface PlacementTrackerOptions {
  sink: Pick<CollectorSink, 'events' | 'placement'>;
  logger: Logger;
  /** Bridge address (IP a bot sees, relay id, pod IP) → bridge id. More can be added with `addBridgeAddresses`. */
  bridgeAddresses?: Readonly<Record<string, string>>;
  /** A disagreement must last this long (one `/debug` poll, default 5 s) before it is an event. */
  mismatchAfterMs?: number;
}

interface DebugView {
  time: number;
  /** endpoint → conference */
  endpoints: Map<string, string>;
  conferences: Set<string>;
}

interface Belief {
  bot: string;
  endpoint?: string;
  conference: string;
  rawBridge: string;
  bridge?: string;
}

interface Mismatch {
  since: number;
  reported: boolean;
}

/**
 * The timeline of which endpoint and conference is on which bridge, from the bridges' `/debug`
 * (ground truth, a complete snapshot per bridge and poll) and from bots (what they believe).
 * Emits `placement-mismatch` when a bot and `/debug` disagree for longer than `mismatchAfterMs`
 * (and `placement-mismatch-resolved` when they agree again) and `conference-split` when a conference
 * starts spanning bridges. Not safe for concurrent use; the coordinator calls it from its event loop.
 */
export class PlacementTracker {
  private readonly addresses = new Map<string, string>();
  private readonly knownBridges = new Set<string>();
  private readonly debug = new Map<string, DebugView>();
  private readonly beliefs = new Map<string, Belief>();
  private readonly mismatches = new Map<string, Mismatch>();
  private readonly openDebug = new Map<string, PlacementInterval>();
  private readonly openBot = new Map<string, PlacementInterval>();
  private readonly closed: PlacementInterval[] = [];
  private readonly openSplits = new Map<string, SplitConference>();
  private readonly closedSplits: SplitConference[] = [];
  private readonly conferencesSeen = new Set<string>();
  private readonly unknownAddresses = new Set<string>();
  private readonly mismatchAfterMs: number;
  private maxSimultaneousSplit = 0;
  private mismatchCount = 0;

  constructor(private readonly options: PlacementTrackerOptions) {
    this.mismatchAfterMs = options.mismatchAfterMs ?? 5_000;
    this.addBridgeAddresses(options.bridgeAddresses ?? {});
  }

  /** Adds address → bridge id pairs (the cli fills them from the testbed or discovery). */
  addBridgeAddresses(addresses: Readonly<Record<string, string>>): void {
    for (const [address, id] of Object.entries(addresses)) {
      this.addresses.set(address, id);
      this.knownBridges.add(id);
    }
  }

  /** The bridge id for an address or id, or undefined when no bridge is known by it. */
  resolveBridge(value: string): string | undefined {
    if (this.knownBridges.has(value) || this.debug.has(value)) return value;
    return this.addresses.get(value);
  }

  /** One bridge's complete `/debug` placement at one poll; endpoints it no longer lists have left it. */
  observeDebug(snapshot: DebugSnapshot): void {
    const { bridge, time } = snapshot;
    this.knownBridges.add(bridge);
    const view: DebugView = { time, endpoints: new Map(), conferences: new Set() };
    for (const record of snapshot.records) {
      view.endpoints.set(record.endpoint, record.conference);
      view.conferences.add(record.conference);
      this.conferencesSeen.add(record.conference);
    }
    this.debug.set(bridge, view);

    for (const [key, interval] of this.openDebug) {
      if (interval.bridge === bridge && view.endpoints.get(interval.endpoint) !== interval.conference) this.close(this.openDebug, key, time);
    }
    for (const [endpoint, conference] of view.endpoints) {
      const key = `${bridge}\u0000${endpoint}`;
      if (!this.openDebug.has(key)) this.openDebug.set(key, { source: 'debug', bridge, conference, endpoint, from: time });
    }
    this.updateSplits(time);
    this.evaluate(time);
  }

  /**
   * A bot's belief, one per bot; only a change of belief is recorded (as a `bot` placement record)
   * and re-evaluated. A bot that learns its endpoint id changes its belief too: from then on it is
   * compared per endpoint, and its interval recorded under the bot id is closed.
   */
  observeBot(observation: BotPlacementObservation): void {
    const key = observation.bot;
    const previous = this.beliefs.get(key);
    if (
      previous &&
      previous.rawBridge === observation.bridge &&
      previous.conference === observation.conference &&
      previous.endpoint === observation.endpoint
    )
      return;
    const bridge = this.resolveBridge(observation.bridge);
    // A target with no bridges (a page target, a Jitsi target without target.bridges) has nothing to
    // check a bot's address against: that is not an unknown bridge.
    const bridgesKnown = this.knownBridges.size > 0;
    if (bridge === undefined && bridgesKnown && !this.unknownAddresses.has(observation.bridge)) {
      this.unknownAddresses.add(observation.bridge);
      this.options.logger.log('warn', `placement: bots report bridge ${observation.bridge}, which is not a known bridge address; their placement cannot be checked`);
    }
    const belief: Belief = { bot: observation.bot, conference: observation.conference, rawBridge: observation.bridge };
    if (observation.endpoint !== undefined) belief.endpoint = observation.endpoint;
    if (bridge !== undefined) belief.bridge = bridge;
    this.beliefs.set(key, belief);

    const endpoint = observation.endpoint ?? observation.bot;
    const shownBridge = bridge ?? observation.bridge;
    if (this.openBot.has(key)) this.close(this.openBot, key, observation.time);
    this.openBot.set(key, { source: 'bot', bridge: shownBridge, conference: observation.conference, endpoint, from: observation.time });
    const record: PlacementRecord = { time: observation.time, bridge: shownBridge, conference: observation.conference, endpoint, source: 'bot' };
    this.options.sink.placement([record]);
    this.evaluate(observation.time);
  }

  /**
   * Reads beliefs off client samples: every sample tagged with `conference` and `bridge` and carrying
   * `meta.bot` (and `meta.endpoint` when the bot knows it). Cheap per sample; only changes do work.
   */
  observeBotSamples(samples: readonly Sample[]): void {
    for (const sample of samples) {
      const { conference, bridge } = sample.tags;
      const bot = sample.meta?.bot;
      if (conference === undefined || bridge === undefined || bridge === 'unknown' || typeof bot !== 'string') continue;
      const endpoint = sample.meta?.endpoint;
      this.observeBot({ time: sample.time, conference, bridge, bot, ...(typeof endpoint === 'string' ? { endpoint } : {}) });
    }
  }

  /** Every placement interval so far, both sources, ordered by start time. */
  timeline(): PlacementInterval[] {
    return [...this.closed, ...this.openDebug.values(), ...this.openBot.values()]
      .map((i) => ({ ...i }))
      .sort((a, b) => a.from - b.from || a.endpoint.localeCompare(b.endpoint));
  }

  /** Every stretch during which a conference was split across bridges, ordered by start time. */
  splitConferences(): SplitConference[] {
    return [...this.closedSplits, ...this.openSplits.values()]
      .map((s) => ({ ...s, bridges: [...s.bridges] }))
      .sort((a, b) => a.from - b.from || a.conference.localeCompare(b.conference));
  }

  /** Conferences split across bridges right now (per the latest `/debug` of every bridge). */
  currentSplitCount(): number {
    return this.openSplits.size;
  }

  summary(): PlacementSummary {
    return {
      conferences: this.conferencesSeen.size,
      splitConferences: new Set(this.splitConferences().map((s) => s.conference)).size,
      maxSimultaneousSplit: this.maxSimultaneousSplit,
      mismatches: this.mismatchCount,
      unknownBridgeAddresses: [...this.unknownAddresses].sort(),
    };
  }

  private close(open: Map<string, PlacementInterval>, key: string, time: number): void {
    const interval = open.get(key);
    if (!interval) return;
    open.delete(key);
    this.closed.push({ ...interval, to: time });
  }

  private updateSplits(time: number): void {
    const bridgesOf = new Map<string, Set<string>>();
    for (const [bridge, view] of this.debug) {
      for (const conference of view.conferences) {
        const set = bridgesOf.get(conference) ?? new Set<string>();
        set.add(bridge);
        bridgesOf.set(conference, set);
      }
    }
    const events: RunEvent[] = [];
    for (const [conference, bridges] of bridgesOf) {
      if (bridges.size < 2) continue;
      const open = this.openSplits.get(conference);
      if (open) {
        open.bridges = [...new Set([...open.bridges, ...bridges])].sort();
        continue;
      }
      const sorted = [...bridges].sort();
      this.openSplits.set(conference, { conference, bridges: sorted, from: time });
      events.push({
        time,
        kind: 'conference-split',
        level: 'info',
        message: `conference ${conference} is split across bridges ${sorted.join(', ')}`,
        tags: { conference },
        meta: { bridges: sorted.join(',') },
      });
    }
    for (const [conference, split] of this.openSplits) {
      if ((bridgesOf.get(conference)?.size ?? 0) >= 2) continue;
      this.openSplits.delete(conference);
      this.closedSplits.push({ ...split, to: time });
    }
    this.maxSimultaneousSplit = Math.max(this.maxSimultaneousSplit, this.openSplits.size);
    if (events.length > 0) this.options.sink.events(events);
  }

  /** Where `/debug` says a belief's endpoint (or conference) is: bridge ids, or undefined when it cannot tell. */
  private truthFor(belief: Belief): string[] | undefined {
    const bridges: string[] = [];
    if (belief.endpoint !== undefined) {
      for (const [bridge, view] of this.debug) if (view.endpoints.get(belief.endpoint) === belief.conference) bridges.push(bridge);
      return bridges.length > 0 ? bridges.sort() : undefined;
    }
    if (belief.bridge === undefined || !this.debug.has(belief.bridge)) return undefined;
    for (const [bridge, view] of this.debug) if (view.conferences.has(belief.conference)) bridges.push(bridge);
    return bridges.length > 0 ? bridges.sort() : undefined;
  }

  private evaluate(time: number): void {
    const events: RunEvent[] = [];
    for (const [key, belief] of this.beliefs) {
      const truth = belief.bridge === undefined ? undefined : this.truthFor(belief);
      const disagrees = truth !== undefined && belief.bridge !== undefined && !truth.includes(belief.bridge);
      const mismatch = this.mismatches.get(key);
      const who = belief.endpoint === undefined ? `bot ${belief.bot}` : `bot ${belief.bot} (endpoint ${belief.endpoint})`;
      const meta = { bot: belief.bot, endpoint: belief.endpoint ?? null, botBridge: belief.rawBridge, debugBridges: truth?.join(',') ?? null };
      if (disagrees && truth) {
        if (!mismatch) this.mismatches.set(key, { since: time, reported: false });
        else if (!mismatch.reported && time - mismatch.since >= this.mismatchAfterMs) {
          mismatch.reported = true;
          this.mismatchCount += 1;
          events.push({
            time,
            kind: 'placement-mismatch',
            level: 'warn',
            message: `${who} in ${belief.conference} believes it is on ${belief.bridge ?? belief.rawBridge}, but /debug places it on ${truth.join(', ')} (for ${time - mismatch.since} ms)`,
            tags: { conference: belief.conference, bridge: truth[0] as string },
            meta: { ...meta, since: mismatch.since },
          });
        }
      } else if (mismatch) {
        this.mismatches.delete(key);
        if (mismatch.reported) {
          events.push({
            time,
            kind: 'placement-mismatch-resolved',
            level: 'info',
            message: `${who} in ${belief.conference} and /debug agree again`,
            tags: { conference: belief.conference, ...(belief.bridge === undefined ? {} : { bridge: belief.bridge }) },
            meta: { ...meta, since: mismatch.since },
          });
        }
      }
    }
    if (events.length > 0) this.options.sink.events(events);
  }
}
