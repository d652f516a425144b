import { cpus, freemem, totalmem } from 'node:os';
import { JltError } from '@jlt/core';

/** What one bot costs; defaults are for a 640×360 bot measured on this project's 2-core machine. */
export interface BotBudget {
  coresPerBot: number;
  memoryBytesPerBot: number;
}

export const DEFAULT_BOT_BUDGET: BotBudget = { coresPerBot: 0.3, memoryBytesPerBot: 250 * 1024 * 1024 };

export interface HostResources {
  cores: number;
  totalMemoryBytes: number;
  freeMemoryBytes: number;
}

export function hostResources(): HostResources {
  return { cores: cpus().length, totalMemoryBytes: totalmem(), freeMemoryBytes: freemem() };
}

export interface Capacity {
  maxBots: number;
  byCpu: number;
  byMemory: number;
}

/** Bots that fit: the smaller of cores / cores-per-bot and free memory / memory-per-bot. */
export function botCapacity(host: HostResources, budget: BotBudget): Capacity {
  const byCpu = Math.floor(host.cores / budget.coresPerBot + 1e-9);
  const byMemory = Math.floor(host.freeMemoryBytes / budget.memoryBytesPerBot);
  return { maxBots: Math.max(0, Math.min(byCpu, byMemory)), byCpu, byMemory };
}

/** Throws a JltError, whose hint says how many bots fit, when `bots` (running + new) exceed capacity. */
export function assertCapacity(bots: number, host: HostResources, budget: BotBudget): Capacity {
  const capacity = botCapacity(host, budget);
  if (bots > capacity.maxBots) {
    const limit = capacity.byCpu <= capacity.byMemory ? `${host.cores} cores at ${budget.coresPerBot} cores per bot` : `${Math.round(host.freeMemoryBytes / 2 ** 20)} MiB free at ${Math.round(budget.memoryBytesPerBot / 2 ** 20)} MiB per bot`;
    throw new JltError('AGENT_REFUSED', `this agent cannot run ${bots} bots: ${capacity.maxBots} fit (${limit})`, {
      hint: `Give this agent at most ${capacity.maxBots} bots: add agents (--agents or remote \`jlt agent\`), lower the video resolution, or set a smaller per-bot budget if measurements allow it.`,
    });
  }
  return capacity;
}
