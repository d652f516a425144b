import type { Logger } from '@jlt/core';
import type { BrowserPool } from '../worker/browser-pool.js';
import { WorkerShare } from '../worker/worker-agent.js';
import { botTargetOf, parseAgentScenario } from './agent-scenario.js';
import type { ShareFactory } from './share.js';

export interface WorkerShareFactoryOptions {
  logger: Logger;
  /** Failure screenshots go to `<artifactsDir>/<runId>/`. */
  artifactsDir: string;
  /** A pool kept across runs (a long-lived agent); otherwise each share launches its own. */
  pool?: BrowserPool;
  mediaCacheDir?: string;
}

/** Runs each assignment on real browsers through the worker's WorkerShare. */
export function workerShareFactory(options: WorkerShareFactoryOptions): ShareFactory {
  return (assignment, sink, clock, signal) => {
    const scenario = parseAgentScenario(assignment.scenario);
    return new WorkerShare({
      bots: assignment.bots,
      target: botTargetOf(scenario),
      media: assignment.media,
      tags: { scenario: scenario.name, agent: assignment.agentId },
      clock,
      sink,
      signal,
      logger: options.logger,
      artifactsDir: `${options.artifactsDir}/${assignment.runId}`,
      botOptions: {
        viewport: scenario.bots.viewport,
        renderRemoteVideo: scenario.bots.renderRemoteVideo,
        disableAudioProcessing: !scenario.bots.receiverAudioProcessing,
        faro: scenario.bots.faro?.enabled ?? true,
      },
      ...(scenario.bots.faro?.collectorUrl === undefined ? {} : { faroCollectorUrl: scenario.bots.faro.collectorUrl }),
      joinPolicy: { timeoutMs: scenario.join.timeout, retries: scenario.join.retries, retryDelayMs: scenario.join.retryDelay },
      statsIntervalMs: assignment.statsIntervalMs,
      ...(options.pool ? { pool: options.pool } : {}),
      ...(options.mediaCacheDir ? { mediaCacheDir: options.mediaCacheDir } : {}),
    });
  };
}
