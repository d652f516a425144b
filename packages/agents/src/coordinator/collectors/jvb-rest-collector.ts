import { redactUrl, type PlacementRecord, type Sample } from '@jlt/core';
import {
  jvbGauges,
  jvbGaugesFromPrometheus,
  parseColibriStats,
  parseJvbDebug,
  parsePrometheusText,
  placementFromDebug,
  roomFromConferenceName,
  type JvbGaugeName,
  type JvbGauges,
} from '@jlt/jitsi';
import type { BridgeEndpoint, Collector, CollectorRuntime, PollCounts } from './collector.js';
import { FailureReporter } from './failure-reporter.js';
import { HttpGetError, httpGetJson, httpGetText } from './http-get.js';
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

type Surface = 'colibri-stats' | 'metrics' | 'debug';

const SURFACE_PATHS: Record<Surface, string> = { 'colibri-stats': '/colibri/stats', metrics: '/metrics', debug: '/debug' };
/** JVB's `/metrics` answers OpenMetrics only when asked; the text format is what the parser reads. */
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4';

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/**
 * Polls every bridge's `/colibri/stats` (→ `jvb_*` gauges tagged `{scenario, bridge}`, in jlt's units)
 * and `/debug` (→ one `PlacementRecord` per local endpoint per conference, with the bridges it relays
 * to). A bridge whose `/colibri/stats` answers 404 (JVB's COLIBRI REST API is off by default; an
 * exporter URL serves only `/metrics`) has the same gauges read from its Prometheus `/metrics` from
 * then on, announced once by a `collector-fallback` event. A bridge that is down, slow or answers
 * garbage produces `collector-error` events and a gap, never an exception or an invented sample.
 */
export function startJvbRestCollector(options: JvbRestCollectorOptions): Collector {
  const intervalMs = options.intervalMs ?? DEFAULT_JVB_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? pollTimeoutFor(intervalMs);
  const failures = new FailureReporter({ now: () => options.now(), emit: (e) => options.sink.events(e), logger: options.logger });
  /** JVB relay id (`relay_id`, the pod IP under the helm chart) → bridge id, learned from `/colibri/stats`. */
  const bridgeByRelayId = new Map<string, string>();
  const pollers = new Map<string, Poller>();
  /** Bridges whose gauges come from `/metrics` because their `/colibri/stats` answered 404. */
  const gaugesFromMetrics = new Set<string>();

  async function pollSurface(bridge: BridgeEndpoint, wanted: 'gauges' | 'debug', signal: AbortSignal): Promise<boolean> {
    const surface: Surface = wanted === 'debug' ? 'debug' : gaugesFromMetrics.has(bridge.id) ? 'metrics' : 'colibri-stats';
    const url = joinUrl(bridge.restUrl, SURFACE_PATHS[surface]);
    const key = `${bridge.id} ${surface}`;
    const tags = { scenario: options.scenario, bridge: bridge.id };
    const meta = { url: redactUrl(url), surface };
    try {
      const get = { signal, fetch: options.fetch };
      if (surface === 'debug') collectDebug(bridge, await httpGetJson(url, get), url, options.now());
      else {
        const gauges =
          surface === 'metrics'
            ? gaugesFromPrometheus(await httpGetText(url, { ...get, headers: { accept: PROMETHEUS_TEXT } }), url)
            : gaugesFromStats(bridge, await httpGetJson(url, get), url);
        collectGauges(bridge, gauges, options.now());
      }
      failures.succeeded(key, tags, meta);
      return true;
    } catch (error) {
      if (surface === 'colibri-stats' && error instanceof HttpGetError && error.status === 404) {
        gaugesFromMetrics.add(bridge.id);
        const message = `bridge ${bridge.id}: ${redactUrl(url)} answered 404 (COLIBRI REST API off?); reading its jvb_* gauges from /metrics`;
        options.logger.log('info', `collector: ${message}`);
        options.sink.events([{ time: options.now(), kind: 'collector-fallback', level: 'info', message, tags, meta }]);
        return pollSurface(bridge, wanted, signal);
      }
      failures.failed(key, `bridge ${bridge.id}: ${error instanceof Error ? error.message : String(error)}`, tags, meta);
      return false;
    }
  }

  function gaugesFromStats(bridge: BridgeEndpoint, body: unknown, url: string): JvbGauges {
    const stats = parseColibriStats(body, `JVB /colibri/stats from ${redactUrl(url)}`);
    if (stats.relay_id !== undefined) bridgeByRelayId.set(stats.relay_id, bridge.id);
    return jvbGauges(stats);
  }

  function gaugesFromPrometheus(text: string, url: string): JvbGauges {
    return jvbGaugesFromPrometheus(parsePrometheusText(text, { source: `JVB /metrics from ${redactUrl(url)}` }));
  }

  function collectGauges(bridge: BridgeEndpoint, gauges: JvbGauges, time: number): void {
    const tags = { scenario: options.scenario, bridge: bridge.id };
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
          const results = await Promise.all([pollSurface(bridge, 'gauges', signal), pollSurface(bridge, 'debug', signal)]);
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
