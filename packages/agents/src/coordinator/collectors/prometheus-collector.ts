import { redactUrl, resolveHttpCredentials, type CollectOptions, type Sample } from '@jlt/core';
import type { BridgeEndpoint, Collector, CollectorRuntime } from './collector.js';
import { FailureReporter } from './failure-reporter.js';
import { pollTimeoutFor, startPoller } from './poller.js';
import { createPrometheusClient, type PrometheusCredentials, type PrometheusSeries } from './prometheus-api.js';

export type PrometheusCollectOptions = NonNullable<CollectOptions['prometheus']>;

export const DEFAULT_PROMETHEUS_INTERVAL_MS = 15_000;

/** Labels that identify a target or container; they never become tags (pod/instance map to `bridge` instead). */
const IDENTITY_LABELS = new Set(['__name__', 'pod', 'instance', 'job', 'container', 'namespace', 'id', 'uid', 'image', 'name', 'endpoint', 'service', 'node', 'pod_ip', 'ip']);
/** A label becomes a tag only when one query result has at most this many distinct values of it. */
const MAX_TAG_VALUES = 10;
/** The longest range one poll asks for, in steps (Prometheus refuses more than 11 000 points per series). */
const MAX_STEPS_PER_POLL = 1_000;

export interface PrometheusCollectorOptions extends CollectorRuntime {
  prometheus: PrometheusCollectOptions;
  /** Environment to read the credentials from; only the variables the scenario names are read. */
  env: Readonly<Record<string, string | undefined>>;
  /** Bridge pods (Kubernetes discovery): enables the built-in `pod_cpu_cores` and `pod_memory_bytes` queries. */
  pods?: { namespace: string; bridgeByPod: Readonly<Record<string, string>> };
  /** Bridges, to map an `instance` label (`host:port` of a bridge's REST URL) to the bridge. */
  bridges?: readonly BridgeEndpoint[];
  /** Address → bridge id, to map an `instance` label's host. */
  bridgeAddresses?: Readonly<Record<string, string>>;
  /** Default: `prometheus.interval`, else 15 s. */
  intervalMs?: number;
  /** Window of the built-in CPU `rate()` (default `1m`, four scrapes at Prometheus' default 15 s). */
  rateWindow?: string;
}

/** Reads the credentials the scenario references by variable name. Throws a `JltError` naming a missing variable. */
export function resolvePrometheusCredentials(auth: PrometheusCollectOptions['auth'], env: PrometheusCollectorOptions['env']): PrometheusCredentials | undefined {
  return resolveHttpCredentials(auth, env, 'collect.prometheus.auth');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The body of a double-quoted PromQL string literal (Go escapes): `\` and `"` are escaped. */
function promString(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** The built-in per-pod queries (cAdvisor via the kubelet): CPU cores used and working-set memory, summed over containers. */
export function builtInPodQueries(pods: { namespace: string; bridgeByPod: Readonly<Record<string, string>> }, rateWindow = '1m'): Record<string, string> {
  const names = Object.keys(pods.bridgeByPod).sort().map(escapeRegex).join('|');
  const selector = `namespace="${promString(pods.namespace)}",pod=~"${promString(names)}",container!="",container!="POD"`;
  return {
    pod_cpu_cores: `sum by (pod) (rate(container_cpu_usage_seconds_total{${selector}}[${rateWindow}]))`,
    pod_memory_bytes: `sum by (pod) (container_memory_working_set_bytes{${selector}})`,
  };
}

/**
 * Queries Prometheus/Mimir on an interval with `query_range` over the window since the previous
 * successful poll (so a failed poll is caught up with real data, never filled in) and turns every
 * series point into a sample named after the query. `pod`/`instance` labels become the `bridge` tag
 * when they match a bridge; other labels become tags only when low-cardinality. Sample times are
 * Prometheus' evaluation times (epoch ms), i.e. its host's clock, which NTP keeps on the run clock.
 */
export function startPrometheusCollector(options: PrometheusCollectorOptions): Collector {
  const config = options.prometheus;
  const credentials = resolvePrometheusCredentials(config.auth, options.env);
  const intervalMs = options.intervalMs ?? config.interval ?? DEFAULT_PROMETHEUS_INTERVAL_MS;
  const client = createPrometheusClient({
    url: config.url,
    ...(config.tenant === undefined ? {} : { tenant: config.tenant }),
    ...(credentials === undefined ? {} : { credentials }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const queries: Record<string, string> = { ...(options.pods ? builtInPodQueries(options.pods, options.rateWindow) : {}), ...config.queries };
  if (Object.keys(queries).length === 0) {
    options.logger.log('warn', 'collect.prometheus has no queries to run: built-in pod queries need Kubernetes bridge discovery; add collect.prometheus.queries');
  }
  const failures = new FailureReporter({ now: () => options.now(), emit: (e) => options.sink.events(e), logger: options.logger });
  const bridgeByInstance = new Map<string, string>();
  for (const bridge of options.bridges ?? []) {
    try {
      bridgeByInstance.set(new URL(bridge.restUrl).host, bridge.id);
    } catch {
      continue;
    }
  }
  const startedAt = options.now();
  const nextStart = new Map<string, number>(Object.keys(queries).map((name) => [name, startedAt]));

  function bridgeOf(labels: Record<string, string>): string | undefined {
    if (labels.pod !== undefined && options.pods?.bridgeByPod[labels.pod] !== undefined) return options.pods.bridgeByPod[labels.pod];
    const instance = labels.instance;
    if (instance === undefined) return undefined;
    const host = instance.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    return bridgeByInstance.get(instance) ?? options.bridgeAddresses?.[host] ?? options.bridgeAddresses?.[instance];
  }

  function toSamples(metric: string, series: PrometheusSeries[]): Sample[] {
    const distinct = new Map<string, Set<string>>();
    for (const s of series) {
      for (const [name, value] of Object.entries(s.labels)) {
        if (IDENTITY_LABELS.has(name)) continue;
        const set = distinct.get(name) ?? new Set<string>();
        set.add(value);
        distinct.set(name, set);
      }
    }
    const tagLabels = [...distinct].filter(([name, values]) => values.size <= MAX_TAG_VALUES && name !== 'scenario').map(([name]) => name);
    const samples: Sample[] = [];
    for (const s of series) {
      const tags: Record<string, string> = { scenario: options.scenario };
      for (const name of tagLabels) if (s.labels[name] !== undefined) tags[name] = s.labels[name];
      const bridge = bridgeOf(s.labels);
      const meta: Record<string, string> = {};
      if (bridge !== undefined) tags.bridge = bridge;
      else {
        if (s.labels.pod !== undefined) meta.pod = s.labels.pod;
        if (s.labels.instance !== undefined) meta.instance = s.labels.instance;
      }
      const hasMeta = Object.keys(meta).length > 0;
      for (const [time, value] of s.points) samples.push(hasMeta ? { metric, value, time, tags, meta } : { metric, value, time, tags });
    }
    return samples;
  }

  async function runQuery(name: string, expr: string, signal: AbortSignal): Promise<boolean> {
    const endMs = options.now();
    const stepMs = intervalMs;
    const startMs = Math.max(nextStart.get(name) ?? startedAt, endMs - MAX_STEPS_PER_POLL * stepMs);
    const key = `prometheus ${name}`;
    const tags = { scenario: options.scenario };
    const meta = { query: name, url: redactUrl(config.url) };
    if (endMs < startMs) return true;
    try {
      const series = await client.queryRange(expr, { startMs, endMs, stepMs }, signal);
      nextStart.set(name, startMs + (Math.floor((endMs - startMs) / stepMs) + 1) * stepMs);
      const samples = toSamples(name, series);
      if (samples.length > 0) options.sink.samples(samples);
      failures.succeeded(key, tags, meta);
      return true;
    } catch (error) {
      failures.failed(key, `query ${name}: ${error instanceof Error ? error.message : String(error)}`, tags, meta);
      return false;
    }
  }

  const poller = startPoller({
    intervalMs,
    timeoutMs: options.timeoutMs ?? pollTimeoutFor(intervalMs),
    signal: options.signal,
    async poll(signal) {
      const results = await Promise.all(Object.entries(queries).map(([name, expr]) => runQuery(name, expr, signal)));
      if (results.includes(false)) throw new Error('a query failed');
    },
    onSkip(skipped) {
      if (skipped === 1) options.logger.log('warn', 'collector: Prometheus polls overlap; skipping ticks until the slow one settles');
    },
  });

  return {
    stop: () => poller.stop(),
    counts: () => ({ prometheus: poller.counts() }),
  };
}
