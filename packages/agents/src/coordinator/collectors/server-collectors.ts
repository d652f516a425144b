import type { CollectOptions, Logger } from '@jlt/core';
import { discoverBridges, type BridgeSource, type DiscoveredBridges } from './bridge-discovery.js';
import type { BridgeEndpoint, Collector, CollectorSink, PollCounts } from './collector.js';
import { createProcessRunner, type CommandRunner } from './command-runner.js';
import type { FetchLike } from './http-get.js';
import { DEFAULT_JVB_INTERVAL_MS, startJvbRestCollector } from './jvb-rest-collector.js';
import { PlacementTracker } from './placement-tracker.js';
import { startPrometheusCollector } from './prometheus-collector.js';

export interface ServerCollectorsOptions {
  /** Scenario name, a tag on every sample. */
  scenario: string;
  /** The scenario's `collect` section. */
  collect: CollectOptions;
  /** Where the bridges are (see `bridgeSourceFromTarget`); omitted when the target names none. */
  bridges?: BridgeSource;
  /** For Kubernetes discovery; defaults to the node:child_process runner. */
  runner?: CommandRunner;
  /** Extra address → bridge id pairs for matching bots' bridge tags, on top of what discovery finds. */
  bridgeAddresses?: Readonly<Record<string, string>>;
  env: Readonly<Record<string, string | undefined>>;
  /** The run clock (coordinator time, epoch ms). */
  now(): number;
  sink: CollectorSink;
  logger: Logger;
  signal: AbortSignal;
  fetch?: FetchLike;
}

export interface ServerCollectors {
  /** The bridges being collected from (after discovery). */
  bridges: BridgeEndpoint[];
  /** Placement timeline; feed it bots' samples with `observeBotSamples`. */
  placement: PlacementTracker;
  /** Poll counts per bridge and for Prometheus. */
  counts(): Record<string, PollCounts>;
  /** Stops every collector, then the port-forwards discovery started. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts server-side collection for one run: resolves the bridges (static list, testbed or
 * Kubernetes), polls their `/colibri/stats` and `/debug` when `collect.jvb` is set, queries
 * Prometheus when `collect.prometheus` is set, and tracks placement. Fails fast (JltError) only on
 * setup problems (discovery, missing credential variables); once running, nothing it polls can stall
 * or end the run.
 */
export async function startServerCollectors(options: ServerCollectorsOptions): Promise<ServerCollectors> {
  const { collect } = options;
  const wanted = collect.jvb !== undefined || collect.prometheus !== undefined;
  let discovered: DiscoveredBridges | undefined;
  if (wanted && options.bridges !== undefined) {
    discovered = await discoverBridges(options.bridges, { runner: options.runner ?? createProcessRunner(), logger: options.logger, signal: options.signal });
  }
  const bridges = discovered?.bridges ?? [];
  const addresses = { ...discovered?.addresses, ...options.bridgeAddresses };
  const jvbInterval = collect.jvb?.interval ?? DEFAULT_JVB_INTERVAL_MS;
  const placement = new PlacementTracker({ sink: options.sink, logger: options.logger, bridgeAddresses: addresses, mismatchAfterMs: jvbInterval });
  const collectors: Collector[] = [];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await Promise.all(collectors.map((c) => c.stop()));
      await discovered?.stop();
    })());

  try {
    if (collect.jvb !== undefined) {
      if (bridges.length === 0) options.logger.log('warn', 'collect.jvb is set but the target names no bridges (target.bridges); not polling any');
      else {
        collectors.push(
          startJvbRestCollector({
            scenario: options.scenario,
            bridges,
            intervalMs: jvbInterval,
            now: () => options.now(),
            sink: options.sink,
            logger: options.logger,
            signal: options.signal,
            onDebugSnapshot: (snapshot) => placement.observeDebug(snapshot),
            ...(options.fetch ? { fetch: options.fetch } : {}),
          }),
        );
      }
    }
    if (collect.prometheus !== undefined) {
      collectors.push(
        startPrometheusCollector({
          scenario: options.scenario,
          prometheus: collect.prometheus,
          env: options.env,
          bridges,
          bridgeAddresses: addresses,
          ...(collect.prometheus.interval === undefined && collect.jvb === undefined ? {} : { intervalMs: collect.prometheus.interval ?? jvbInterval }),
          now: () => options.now(),
          sink: options.sink,
          logger: options.logger,
          signal: options.signal,
          ...(discovered?.pods ? { pods: discovered.pods } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    bridges,
    placement,
    counts() {
      return Object.assign({}, ...collectors.map((c) => c.counts())) as Record<string, PollCounts>;
    },
    stop,
  };
}
