import { hostname } from 'node:os';
import { join } from 'node:path';
import { JltError, type Logger, type RunContext } from '@jlt/core';
import {
  CAPACITY_HINT,
  DEFAULT_BOT_BUDGET,
  botCapacity,
  capacityLimit,
  createChannelPair,
  hostResources,
  listenForChannels,
  runAgentSession,
  workerShareFactory,
  type Coordinator,
  type HostResources,
  type SessionEnd,
} from '@jlt/agents';
import type { Cleanup } from './cleanup.js';
import { startLocalAgents } from './local-agents.js';
import type { RunOptions } from './run-options.js';

/**
 * Where a run's bots run: one agent inside this process (the default), N agent processes on this
 * machine (`--agents N`), or remote agents that connect (`--wait-agents N`). Agents started here
 * share this machine, so together they get its capacity (or `--max-bots`), split evenly; a plan that
 * does not fit fails before anything starts.
 */
export type AgentTopology =
  | { kind: 'in-process'; expectedAgents: 1; maxBots: number[] }
  | { kind: 'local'; expectedAgents: number; maxBots: number[] }
  | { kind: 'remote'; expectedAgents: number };

/** The plan's bots, and the room they take in full chromium bots (`botCostUnits` of each bot's browser and mode). */
export interface PlannedRoom {
  bots: number;
  room: number;
}

export function planTopology(options: Pick<RunOptions, 'agents' | 'waitAgents' | 'listen' | 'maxBots'>, planned: PlannedRoom, logger: Logger, host: HostResources = hostResources()): AgentTopology {
  if (options.waitAgents !== undefined || options.listen !== undefined) return { kind: 'remote', expectedAgents: options.waitAgents ?? 1 };
  const measured = botCapacity(host, DEFAULT_BOT_BUDGET);
  const limit = capacityLimit(measured, host, DEFAULT_BOT_BUDGET);
  const total = options.maxBots ?? measured.maxBots;
  if (planned.room > total + 1e-9) {
    const where = options.maxBots === undefined ? `this machine has room for ${total} (${limit})` : `--max-bots allows ${total}`;
    const what = planned.room === planned.bots ? `${planned.bots} bots` : `${planned.bots} bots taking the room of ${Math.round(planned.room * 100) / 100} full chromium bots`;
    throw new JltError('INVALID_ARGUMENT', `the plan has ${what} but ${where}`, { hint: CAPACITY_HINT });
  }
  if (options.maxBots !== undefined && options.maxBots > measured.maxBots) {
    logger.log('warn', `--max-bots ${options.maxBots} is more than this machine fits (${measured.maxBots}: ${limit}); its agents will be saturated and the run's numbers not trustworthy`);
  }
  const count = options.agents ?? 1;
  if (total < count) throw new JltError('INVALID_ARGUMENT', `${count} agents cannot share room for ${total} bots`, { hint: 'start fewer agents (--agents), or give them --max-bots N' });
  // Even shares, the remainder going to the first agents.
  const maxBots = Array.from({ length: count }, (_, i) => Math.floor(total / count) + (i < total % count ? 1 : 0));
  return options.agents === undefined ? { kind: 'in-process', expectedAgents: 1, maxBots } : { kind: 'local', expectedAgents: count, maxBots };
}

export interface AgentStart {
  topology: AgentTopology;
  coordinator: Coordinator;
  options: Pick<RunOptions, 'listen' | 'tls'>;
  token: string;
  resultsDir: string;
  ctx: RunContext;
  cleanup: Cleanup;
}

/**
 * Starts what the topology needs and hands every agent connection to the coordinator. Resolves
 * with the in-process agent's session (to be awaited after the coordinator's run), if there is one.
 */
export async function startAgents({ topology, coordinator, options, token, resultsDir, ctx, cleanup }: AgentStart): Promise<{ inProcess?: Promise<SessionEnd> }> {
  if (topology.kind === 'in-process') {
    // The coordinator stops this agent (stop → bots leave → done) also on Ctrl-C; its own signal
    // only fires in cleanup, if the orderly stop did not finish.
    const agentAbort = new AbortController();
    cleanup.add('in-process agent', async () => agentAbort.abort());
    const [coordinatorSide, agentSide] = createChannelPair();
    coordinator.addChannel(coordinatorSide);
    const host = hostResources();
    const maxBots = topology.maxBots[0]!;
    const session = runAgentSession({
      channel: agentSide,
      token,
      name: hostname(),
      version: 'in-process',
      capacity: { cores: host.cores, memoryBytes: host.totalMemoryBytes, maxBots },
      createShare: workerShareFactory({ logger: ctx.logger, artifactsDir: join(resultsDir, 'artifacts'), maxBots }),
      logger: ctx.logger,
      signal: agentAbort.signal,
      now: () => ctx.now(),
    });
    return { inProcess: session };
  }
  const { host, port } = options.listen ?? { host: '127.0.0.1', port: 0 };
  const server = await listenForChannels({
    host,
    port,
    ...(options.tls ? { tls: options.tls } : {}),
    onChannel: (channel) => coordinator.addChannel(channel),
  });
  cleanup.add('agent listener', () => server.close());
  if (topology.kind === 'remote') {
    ctx.logger.log('info', `waiting for ${topology.expectedAgents} agent(s) at ${server.url}`);
    return {};
  }
  const local = await startLocalAgents(topology.maxBots, server.url, token, ctx.logger);
  cleanup.add('local agents', () => local.stop());
  return {};
}
