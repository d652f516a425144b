import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExitCode, REFUSAL_RUN_STARTED, type RunContext } from '@jlt/core';
import { DEFAULT_BOT_BUDGET, botCapacity, capacityLimit, connectChannel, hostResources, runAgentSession, workerShareFactory } from '@jlt/agents';
import type { CliContext } from '../context.js';
import { readTokenFile } from './token-file.js';

export interface ServeAgentOptions {
  coordinator: string;
  tokenFile: string;
  name?: string;
  /** Overrides the measured capacity; above it the agent is saturated and says so. */
  maxBots?: number;
  caFile?: string;
  once: boolean;
}

const RECONNECT_DELAY_MS = 2_000;

/**
 * Connects to a coordinator and serves one run after another until interrupted (or after one run
 * with `once`). A coordinator whose run is under way (this agent came late, or reconnected while the
 * run it served was still finishing) is tried again after a pause; any other refusal (a wrong token,
 * another protocol version) ends it with the "agent lost" exit code and the coordinator's reason.
 */
export async function serveAgent(options: ServeAgentOptions, ctx: Pick<CliContext, keyof RunContext | 'redactor'>): Promise<{ exitCode: number }> {
  const token = await readTokenFile(options.tokenFile);
  ctx.redactor.add(token);
  const host = hostResources();
  const capacity = botCapacity(host, DEFAULT_BOT_BUDGET);
  const maxBots = options.maxBots ?? capacity.maxBots;
  if (maxBots > capacity.maxBots) {
    ctx.logger.log(
      'warn',
      `--max-bots ${maxBots} is more than this machine fits (${capacity.maxBots}: ${capacityLimit(capacity, host, DEFAULT_BOT_BUDGET)}); the agent will be saturated and the run's numbers not trustworthy`,
    );
  }
  const name = options.name ?? hostname();
  let served = 0;
  while (!ctx.signal.aborted) {
    let channel;
    try {
      channel = await connectChannel(options.coordinator, { timeoutMs: 10_000, ...(options.caFile ? { caFile: options.caFile } : {}) });
    } catch (error) {
      if (options.once && served === 0) throw error;
      ctx.logger.log('warn', `${(error as Error).message}; retrying in ${RECONNECT_DELAY_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      continue;
    }
    ctx.logger.log('info', `agent ${name} connected to ${options.coordinator}`);
    const end = await runAgentSession({
      channel,
      token,
      name,
      version: 'jlt-agent',
      capacity: { cores: host.cores, memoryBytes: host.totalMemoryBytes, maxBots },
      createShare: workerShareFactory({
        logger: ctx.logger,
        artifactsDir: join(tmpdir(), 'jlt-agent-artifacts'),
        ...(options.maxBots === undefined ? {} : { maxBots: options.maxBots }),
      }),
      logger: ctx.logger,
      signal: ctx.signal,
    });
    if (end.kind === 'refused' && end.reason === REFUSAL_RUN_STARTED) {
      ctx.logger.log('info', `the coordinator's run is under way; trying again in ${RECONNECT_DELAY_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
      continue;
    }
    served++;
    if (end.kind === 'refused') {
      ctx.stderr.write(`error: the coordinator refused this agent: ${end.reason}\n`);
      return { exitCode: ExitCode.agentLost };
    }
    if (end.kind === 'aborted') return { exitCode: ExitCode.interrupted };
    ctx.logger.log('info', `session ended: ${end.reason}`);
    if (options.once) return { exitCode: ExitCode.passed };
  }
  return { exitCode: ExitCode.interrupted };
}
