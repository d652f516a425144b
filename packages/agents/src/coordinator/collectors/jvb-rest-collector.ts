import { redactUrl, type PlacementRecord, type Sample } from '@jlt/core';
import {
  jvbGauges,
  parseColibriStats,
  parseJvbDebug,
  placementFromDebug,
  roomFromConferenceName,
  type JvbGaugeName,
} from '@jlt/jitsi';
import type { BridgeEndpoint, Collector, CollectorRuntime, PollCounts } from './collector.js';
import { FailureReporter } from './failure-reporter.js';
import { httpGetJson } from './http-get.js';
import { pollTimeoutFor, startPoller, type Poller } from './poller.js';

/** JVB recomputes its `/colibri/stats` gauges every 5 s (`videobridge.stats.interval`). */
export const DEFAULT_JVB_INTERVAL_MS = 5_000;

/** Everything one bridge's `/debug` said at one poll: the full set of its local endpoints. */
export interface DebugSnapshot {
  bridge: string;
  time: number;
  records: PlacementRecord[];
}

export interface JvbRestCollectorOptions extends CollectorRuntime {
  bridges: readonly BridgeEndpoint[];
  /** Called after each successful `/debug` poll with the bridge's complete placement, including "nothing". */
  onDebugSnapshot?(snapshot: DebugSnapshot): void;
}

type Surface = 'colibri-stats' | 'debug';

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/**
 * Polls every bridge's `/colibri/stats` (→ `jvb_*` gauges tagged `{scenario, bridge}`, in jlt's units)
 * and `/debug` (→ one `PlacementRecord` per local endpoint per conference, with the bridges it relays
 * to). A bridge that is down, slow or answers garbage produces `collector-error` events and a gap,
 * never an exception or an invented sample.
 */
export function startJvbRestCollector(options: JvbRestCollectorOptions): Collector {
  const intervalMs = options.intervalMs ?? DEFAULT_JVB_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? pollTimeoutFor(intervalMs);
  const failures = new FailureReporter({ now: () => options.now(), emit: (e) => options.sink.events(e), logger: options.logger });
  /** JVB relay id (`relay_id`, the pod IP under the helm chart) → bridge id, learned from `/colibri/stats`. */
  const bridgeByRelayId = new Map<string, string>();
  const pollers = new Map<string, Poller>();

  async function pollSurface(bridge: BridgeEndpoint, surface: Surface, signal: AbortSignal): Promise<boolean> {
    const url = joinUrl(bridge.restUrl, surface === 'debug' ? '/debug' : '/colibri/stats');
    const key = `${bridge.id} ${surface}`;
    const tags = { scenario: options.scenario, bridge: bridge.id };
    const meta = { url: redactUrl(url), surface };
    try {
      const body = await httpGetJson(url, { signal, fetch: options.fetch });
      const time = options.now();
      if (surface === 'colibri-stats') collectStats(bridge, body, url, time);
      else collectDebug(bridge, body, url, time);
      failures.succeeded(key, tags, meta);
      return true;
    } catch (error) {
      failures.failed(key, `bridge ${bridge.id}: ${error instanceof Error ? error.message : String(error)}`, tags, meta);
      return false;
    }
  }

  function collectStats(bridge: BridgeEndpoint, body: unknown, url: string, time: number): void {
    const stats = parseColibriStats(body, `JVB /colibri/stats from ${redactUrl(url)}`);
    if (stats.relay_id !== undefined) bridgeByRelayId.set(stats.relay_id, bridge.id);
    const tags = { scenario: options.scenario, bridge: bridge.id };
    const gauges = jvbGauges(stats);
    const samples: Sample[] = (Object.keys(gauges) as JvbGaugeName[]).map((metric) => ({ metric, value: gauges[metric] as number, time, tags }));
    if (samples.length > 0) options.sink.samples(samples);
  }

  function collectDebug(bridge: BridgeEndpoint, body: unknown, url: string, time: number): void {
    const placement = placementFromDebug(parseJvbDebug(body, `JVB /debug from ${redactUrl(url)}`), bridge.id);
    const records: PlacementRecord[] = [];
    for (const conference of placement.conferences) {
      const name = conference.name === undefined ? conference.id : roomFromConferenceName(conference.name);
      const relays = conference.relays.map((relay) => bridgeByRelayId.get(relay) ?? relay);
      for (const endpoint of conference.endpoints) {
        records.push({ time, bridge: bridge.id, conference: name, endpoint, source: 'debug', relays });
      }
    }
    if (records.length > 0) options.sink.placement(records);
    options.onDebugSnapshot?.({ bridge: bridge.id, time, records });
  }

  for (const bridge of options.bridges) {
    pollers.set(
      bridge.id,
      startPoller({
        intervalMs,
        timeoutMs,
        signal: options.signal,
        async poll(signal) {
          const results = await Promise.all([pollSurface(bridge, 'colibri-stats', signal), pollSurface(bridge, 'debug', signal)]);
          if (results.includes(false)) throw new Error('a surface failed');
        },
        onSkip(skipped) {
          if (skipped === 1) options.logger.log('warn', `collector: bridge ${bridge.id} polls overlap; skipping ticks until the slow one settles`);
        },
      }),
    );
  }

  return {
    async stop() {
      await Promise.all([...pollers.values()].map((p) => p.stop()));
    },
    counts() {
      const out: Record<string, PollCounts> = {};
      for (const [id, poller] of pollers) out[id] = poller.counts();
      return out;
    },
  };
}
