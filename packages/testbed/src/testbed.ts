import type { Server } from 'node:http';
import { JltError, type Logger } from '@jlt/core';
import { Bridge, DEFAULT_STATS_INTERVAL_MS } from './bridge.js';
import { BRIDGE_SELECTION_STRATEGIES, type BridgeSelectionStrategy } from './bridge-selection.js';
import { Focus } from './focus.js';
import { closeServer, listen } from './net-util.js';
import { SignallingServer } from './signalling-server.js';
import { DEFAULT_LOAD_THRESHOLD_PPS } from './stress.js';
import { checkStaticFiles, createWebServer } from './web-server.js';

export const MAX_BRIDGES = 16;

export interface TestbedOptions {
  /** Number of bridges, 1..16 (default 1). */
  bridges?: number;
  /** Relay a conference across bridges (Octo); without it a conference never leaves its first bridge. */
  octo?: boolean;
  /** Jicofo bridge selection strategy (default `region`). */
  strategy?: BridgeSelectionStrategy;
  /** Address of the meeting page and the bridges' REST servers (default 127.0.0.1). */
  host?: string;
  /** Port of the meeting page; 0 (default) picks a free one. Bridges' REST ports are always free ones. */
  port?: number;
  /** Region every bridge reports (JVB `region`; default `all`, as the helm chart sets). */
  region?: string;
  /** Gauge refresh interval of `/colibri/stats` and `/metrics` (JVB: 5 s). */
  statsIntervalMs?: number;
  /** Packet-rate load threshold of `stress_level` (JVB: 50 000 pps). */
  loadThresholdPps?: number;
  logger: Logger;
  /** Aborting it stops the testbed. */
  signal?: AbortSignal;
}

export interface TestbedBridgeInfo {
  /** Like JVB's bridge id / relay id: `jvb-1`, `jvb-2`, … */
  id: string;
  /** Base URL of this bridge's REST surfaces (`/colibri/stats`, `/debug`, `/metrics`, `/about/*`). */
  restUrl: string;
  /** The loopback address this bridge's ICE candidates use: 127.0.0.1 for jvb-1, 127.0.0.2 for jvb-2, … */
  mediaAddress: string;
}

export interface Testbed {
  /** Base URL of the meeting page; a meeting is at `${url}/<room>`. */
  url: string;
  bridges: TestbedBridgeInfo[];
  /** Which bridge each endpoint of a room is on, as the focus placed them. */
  placement(room: string): Record<string, string>;
  /** Closes every server, PeerConnection and socket; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a local Jitsi-compatible target: N bridges forwarding real RTP (werift), a focus that
 * places participants with Jicofo's strategies and relays split conferences between bridges, and a
 * meeting page with Jitsi's prejoin selectors and `APP.conference`.
 */
export async function startTestbed(options: TestbedOptions): Promise<Testbed> {
  const bridgeCount = options.bridges ?? 1;
  const strategy = options.strategy ?? 'region';
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(bridgeCount) || bridgeCount < 1 || bridgeCount > MAX_BRIDGES) {
    throw new JltError('INVALID_ARGUMENT', `testbed bridges must be an integer from 1 to ${MAX_BRIDGES} (got ${bridgeCount})`, {
      hint: 'Pass --bridges with a value such as 2.',
    });
  }
  if (!BRIDGE_SELECTION_STRATEGIES.includes(strategy)) {
    throw new JltError('INVALID_ARGUMENT', `unknown bridge selection strategy "${String(strategy)}"; available: ${BRIDGE_SELECTION_STRATEGIES.join(', ')}`);
  }
  await checkStaticFiles();
  const logger = options.logger;
  const bridges: Bridge[] = [];
  let web: Server | undefined;
  let signalling: SignallingServer | undefined;
  let stopping: Promise<void> | undefined;
  const onAbort = (): void => void stop();

  async function stop(): Promise<void> {
    stopping ??= (async () => {
      options.signal?.removeEventListener('abort', onAbort);
      if (signalling) await signalling.close();
      if (web) await closeServer(web);
      await Promise.all(bridges.map((b) => b.stop()));
    })();
    return stopping;
  }

  try {
    for (let i = 1; i <= bridgeCount; i++) {
      const bridge = new Bridge({
        id: `jvb-${i}`,
        mediaAddress: `127.0.0.${i}`,
        httpHost: host,
        region: options.region ?? 'all',
        relay: options.octo ?? false,
        statsIntervalMs: options.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS,
        loadThresholdPps: options.loadThresholdPps ?? DEFAULT_LOAD_THRESHOLD_PPS,
        logger,
      });
      bridges.push(bridge);
      await bridge.start();
    }
    const focus = new Focus({ bridges, octo: options.octo ?? false, strategy, logger });
    signalling = new SignallingServer(focus, logger);
    web = createWebServer(signalling, logger);
    const port = await listen(web, host, options.port ?? 0);
    const urlHost = host.includes(':') ? `[${host}]` : host;
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) await stop();
    return {
      url: `http://${urlHost}:${port}`,
      bridges: bridges.map((b) => ({ id: b.id, restUrl: b.restUrl, mediaAddress: b.mediaAddress })),
      placement: (room) => focus.placement(room),
      stop,
    };
  } catch (error) {
    await stop();
    if (error instanceof JltError) throw error;
    throw new JltError('TARGET_UNREACHABLE', `the testbed could not start: ${error instanceof Error ? error.message : String(error)}`, {
      hint: options.port ? `Is port ${options.port} on ${host} already in use? Try another --port or omit it.` : undefined,
      cause: error,
    });
  }
}
