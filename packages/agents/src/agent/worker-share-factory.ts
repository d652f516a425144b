import { everyFieldHandled, type BotBrowser, type Logger } from '@jlt/core';
import type { ContextSetup } from '../worker/bot.js';
import type { BrowserPool } from '../worker/browser-pool.js';
import { WorkerShare } from '../worker/worker-agent.js';
import type { ShareFactory } from './share.js';

export interface WorkerShareFactoryOptions {
  logger: Logger;
  /** Failure screenshots go to `<artifactsDir>/<runId>/`. */
  artifactsDir: string;
  /** A pool kept across runs (a long-lived agent); otherwise each share launches its own. */
  pool?: BrowserPool;
  mediaCacheDir?: string;
  /** Run on every browser context a bot opens, before its page (see ContextSetup). */
  contextSetup?: readonly ContextSetup[];
  /** `--max-bots`: the bots each share's own pool takes, whatever the host's measured capacity. */
  maxBots?: number;
  /** This agent's browser whatever the scenario says (`jlt agent --browser`). */
  browser?: BotBrowser;
}

/**
 * Runs each assignment on real browsers through the worker's WorkerShare. Every field of the
 * assigned scenario is taken here by name, so one added to core's schema fails typecheck until used.
 */
export function workerShareFactory(options: WorkerShareFactoryOptions): ShareFactory {
  return (assignment, sink, clock, signal) => {
    const { name, target, media, bots, join, stats, ...rest } = assignment.scenario;
    everyFieldHandled(rest, 'the worker share');
    // `mode` is resolved per bot by the planner: each planned bot carries its own.
    const { browser, mode: _plannedPerBot, renderRemoteVideo, receiverAudioProcessing, viewport, tileView, lastN, overrides, faro, ...otherSwitches } = bots;
    everyFieldHandled(otherSwitches, 'the bot options');
    const { timeout, retries, retryDelay, ...otherPolicy } = join;
    everyFieldHandled(otherPolicy, 'the join policy');
    const { interval, ...otherStats } = stats;
    everyFieldHandled(otherStats, 'the stats options');
    return new WorkerShare({
      bots: assignment.bots,
      target,
      media,
      tags: { scenario: name, agent: assignment.agentId },
      clock,
      sink,
      signal,
      logger: options.logger,
      artifactsDir: `${options.artifactsDir}/${assignment.runId}`,
      botOptions: { renderRemoteVideo, renderRemoteAudio: true, disableAudioProcessing: !receiverAudioProcessing, faro: faro.enabled },
      views: { viewport, tileView, overrides, ...(lastN === undefined ? {} : { lastN }) },
      ...(faro.collectorUrl === undefined ? {} : { faroCollectorUrl: faro.collectorUrl }),
      joinPolicy: { timeoutMs: timeout, retries, retryDelayMs: retryDelay },
      statsIntervalMs: interval,
      ...(options.pool ? { pool: options.pool } : {}),
      ...(options.maxBots === undefined ? {} : { poolOptions: { maxBots: options.maxBots } }),
      browser: options.browser ?? browser,
      ...(options.mediaCacheDir ? { mediaCacheDir: options.mediaCacheDir } : {}),
      ...(options.contextSetup ? { contextSetup: options.contextSetup } : {}),
    });
  };
}
