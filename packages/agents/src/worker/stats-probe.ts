import type { BrowserContext, Page } from 'playwright-core';
import { LITE_RECEIVER_GLOBAL, type LiteReceiveTotals } from './lite-receiver.js';
import { reduceStats, type BotStatsSample } from './reduce-stats.js';

/** A reduced sample as it leaves the page, stamped with the page's wall clock (`Date.now()`). */
export interface ProbeSample extends BotStatsSample {
  t: number;
}

/**
 * `binding`: the page pushes each sample through `exposeBinding` (one CDP message per sample).
 * `drain`: the page buffers (at most `bufferLimit` samples) and the agent pulls with `evaluate`.
 */
export type ProbeDelivery = 'binding' | 'drain';

export interface StatsProbeOptions {
  intervalMs: number;
  delivery: ProbeDelivery;
}

export const STATS_BINDING = '__jltStatsSample';
const PROBE_GLOBAL = '__jltStatsProbe';

interface ProbeConfig extends StatsProbeOptions {
  binding: string;
  global: string;
  bufferLimit: number;
  /** Where a lite bot's receive side (lite-receiver.ts) keeps its totals; absent on full bots. */
  liteGlobal: string;
}

/**
 * Runs in the page before any app script. Replaces `RTCPeerConnection` with a subclass that records
 * every open connection (so `instanceof`, statics and prototype patches keep working), and every
 * interval reduces their stats. Does nothing while no connection is open, and never runs two
 * collections at once.
 */
function installStatsProbe(reduce: typeof reduceStats, config: ProbeConfig): void {
  const w = window as unknown as Record<string, unknown>;
  const Native = w.RTCPeerConnection as typeof RTCPeerConnection | undefined;
  if (Native === undefined || w[config.global] !== undefined) return;
  const open = new Set<RTCPeerConnection>();
  class TrackedPeerConnection extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      open.add(this);
    }
    override close(): void {
      open.delete(this);
      super.close();
    }
  }
  Object.defineProperty(TrackedPeerConnection, 'name', { value: 'RTCPeerConnection' });
  w.RTCPeerConnection = TrackedPeerConnection;
  if (w.webkitRTCPeerConnection !== undefined) w.webkitRTCPeerConnection = TrackedPeerConnection;

  const buffer: unknown[] = [];
  let state: ReturnType<typeof reduceStats>['state'] | undefined;
  let busy = false;
  const pending: Promise<RTCStatsReport>[] = [];
  setInterval(() => {
    if (busy || open.size === 0) return;
    busy = true;
    pending.length = 0;
    open.forEach((pc) => {
      if (pc.connectionState === 'closed') open.delete(pc);
      else pending.push(pc.getStats());
    });
    Promise.all(pending)
      .then((reports) => {
        const lite = (w[config.liteGlobal] as { totals(): LiteReceiveTotals } | undefined)?.totals();
        const reduced = reduce(state, reports, performance.now(), lite);
        state = reduced.state;
        const sample = Object.assign(reduced.sample, { t: Date.now() });
        if (config.delivery === 'binding') {
          (w[config.binding] as (s: unknown) => Promise<void>)(sample).catch(() => undefined);
        } else {
          if (buffer.length >= config.bufferLimit) buffer.shift();
          buffer.push(sample);
        }
      })
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, config.intervalMs);
  // Whether RTP of a kind ('audio', 'video' or 'any') has arrived on any open connection.
  const receiving = (kind: string): Promise<boolean> =>
    Promise.all([...open].map((pc) => pc.getStats())).then((reports) =>
      reports.some((report) => {
        let found = false;
        report.forEach((s: { type?: string; kind?: string; packetsReceived?: number }) => {
          if (s.type === 'inbound-rtp' && (kind === 'any' || s.kind === kind) && (s.packetsReceived ?? 0) > 0) found = true;
        });
        return found;
      }),
    );
  w[config.global] = { drain: () => buffer.splice(0, buffer.length), connections: () => open.size, receiving };
}

/** The init script text: the probe and `reduceStats`, both by their own source. */
export function statsProbeScript(options: StatsProbeOptions): string {
  const config: ProbeConfig = { ...options, binding: STATS_BINDING, global: PROBE_GLOBAL, bufferLimit: 600, liteGlobal: LITE_RECEIVER_GLOBAL };
  return `(${installStatsProbe.toString()})(${reduceStats.toString()}, ${JSON.stringify(config)});`;
}

/**
 * Installs the probe into every page of `context` before the app loads. With `binding` delivery
 * each sample reaches `onSample` as the page produces it; with `drain` call `drainStatsProbe`.
 */
export async function attachStatsProbe(
  context: BrowserContext,
  options: StatsProbeOptions,
  onSample: (sample: ProbeSample) => void,
): Promise<void> {
  if (options.delivery === 'binding') {
    await context.exposeBinding(STATS_BINDING, (_source, sample: ProbeSample) => {
      onSample(sample);
    });
  }
  await context.addInitScript({ content: statsProbeScript(options) });
}

/** Pulls buffered samples out of a page using `drain` delivery (empty when the probe is absent). */
export async function drainStatsProbe(page: Page): Promise<ProbeSample[]> {
  return page.evaluate((global) => {
    const probe = (window as unknown as Record<string, { drain(): unknown[] } | undefined>)[global];
    return (probe?.drain() ?? []) as ProbeSample[];
  }, PROBE_GLOBAL);
}

/** Whether RTP of `kind` has arrived on one of the page's peer connections (false when the probe is absent). */
export async function probeReceivesMedia(page: Page, kind: 'audio' | 'video' | 'any'): Promise<boolean> {
  return page.evaluate(
    ([global, wanted]) => {
      const probe = (window as unknown as Record<string, { receiving(kind: string): Promise<boolean> } | undefined>)[global];
      return probe?.receiving(wanted) ?? false;
    },
    [PROBE_GLOBAL, kind] as const,
  );
}
