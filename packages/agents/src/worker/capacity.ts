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
  const byCpu = botsFittingCores(host.cores, budget);
  const byMemory = Math.floor(host.freeMemoryBytes / budget.memoryBytesPerBot);
  return { maxBots: Math.max(0, Math.min(byCpu, byMemory)), byCpu, byMemory };
}

/** Bots that `cores` fit under the budget, memory aside (what a coordinator can tell of a remote agent). */
export function botsFittingCores(cores: number, budget: BotBudget = DEFAULT_BOT_BUDGET): number {
  return Math.floor(cores / budget.coresPerBot + 1e-9);
}

/** What limits the capacity, in words: `2 cores at 0.3 cores per bot`. */
export function capacityLimit(capacity: Capacity, host: HostResources, budget: BotBudget): string {
  return capacity.byCpu <= capacity.byMemory
    ? `${host.cores} cores at ${budget.coresPerBot} cores per bot`
    : `${Math.round(host.freeMemoryBytes / 2 ** 20)} MiB free at ${Math.round(budget.memoryBytesPerBot / 2 ** 20)} MiB per bot`;
}

/** What to do when bots do not fit. The budget is per bot whatever the resolution, so that is no way out. */
export const CAPACITY_HINT =
  'add agents (--agents N on more cores, or remote `jlt agent` machines), run fewer bots, or set --max-bots N to run anyway on a saturated agent (its numbers are then not trustworthy)';

/**
 * Throws a JltError when `bots` (running + new, in full chromium bots: lite and headless-shell bots
 * count their `botCostUnits`) exceed what fits: `maxBots` when an operator set it (--max-bots), else
 * the host's measured capacity.
 */
export function assertCapacity(bots: number, host: HostResources, budget: BotBudget, maxBots?: number): Capacity {
  const capacity = botCapacity(host, budget);
  const allowed = maxBots ?? capacity.maxBots;
  if (bots > allowed + 1e-9) {
    const limit = maxBots === undefined ? capacityLimit(capacity, host, budget) : `--max-bots ${maxBots}`;
    const shown = Number.isInteger(bots) ? `${bots} bots` : `bots taking the room of ${Math.round(bots * 100) / 100} full chromium bots`;
    throw new JltError('AGENT_REFUSED', `this agent cannot run ${shown}: ${allowed} fit (${limit})`, { hint: CAPACITY_HINT });
  }
  return { ...capacity, maxBots: allowed };
}
