import { JltError, type PlannedBot } from '@jlt/core';
import { CAPACITY_HINT } from '../worker/capacity.js';

export interface AgentSlot {
  id: string;
  /** How many full chromium bots this agent may run at once (from its reported capacity). */
  maxBots: number;
  /** Capacity its bots already take (see `costOf`), e.g. when redistributing onto surviving agents. */
  assigned?: number;
}

export interface ShardOptions {
  /** `spread` balances load ratio over agents; `pack` fills agents in order. */
  placement: 'spread' | 'pack';
  /** Keep the bots of one conference on one agent where some agent has room for all of them. */
  keepConferencesTogether: boolean;
}

export interface ShardResult {
  byAgent: Map<string, PlannedBot[]>;
  /** Conferences that had to be split over agents although `keepConferencesTogether` asked not to. */
  splitConferences: string[];
}

/** A bot's share of an agent's capacity in full chromium bots (`botCostUnits`); 1 for every bot unless given. */
export type BotCost = (bot: PlannedBot) => number;

/** Room left is compared with this slack, so sums of fractional costs that equal the capacity fit. */
const COST_EPSILON = 1e-9;

/**
 * Assigns every bot to an agent without exceeding any agent's `maxBots`, each bot weighing `costOf(bot)`. Units of assignment are whole
 * conferences when kept together (largest first, so big rooms find room before small ones fill the gaps),
 * otherwise single bots in start order. Throws when the agents together have too little capacity.
 */
export function shardPlan(bots: readonly PlannedBot[], agents: readonly AgentSlot[], options: ShardOptions, costOf: BotCost = () => 1): ShardResult {
  if (agents.length === 0) throw new JltError('INVALID_ARGUMENT', 'no agents to run the plan on');
  const load = new Map(agents.map((a) => [a.id, a.assigned ?? 0]));
  const free = (a: AgentSlot): number => a.maxBots - (load.get(a.id) ?? 0);
  const cost = (unit: readonly PlannedBot[]): number => unit.reduce((sum, bot) => sum + costOf(bot), 0);
  const shown = (units: number): string => String(Math.round(units * 100) / 100);
  const totalFree = agents.reduce((sum, a) => sum + Math.max(0, free(a)), 0);
  const needed = cost(bots);
  if (totalFree + COST_EPSILON < needed) {
    const what = needed === bots.length ? `${bots.length} bots` : `${bots.length} bots taking the room of ${shown(needed)} full chromium bots`;
    throw new JltError('INVALID_ARGUMENT', `the plan has ${what} but the agents have room for ${shown(totalFree)} (${agents
      .map((a) => `${a.id}: ${shown(Math.max(0, free(a)))}`)
      .join(', ')})`, { hint: CAPACITY_HINT });
  }

  const byAgent = new Map<string, PlannedBot[]>(agents.map((a) => [a.id, []]));
  const splitConferences: string[] = [];
  const pick = (size: number): AgentSlot | undefined => {
    const fitting = agents.filter((a) => free(a) + COST_EPSILON >= size);
    if (options.placement === 'pack') return fitting[0];
    return fitting.reduce<AgentSlot | undefined>((best, a) => {
      if (!best) return a;
      const ratio = (x: AgentSlot): number => (load.get(x.id) ?? 0) / Math.max(1, x.maxBots);
      return ratio(a) < ratio(best) ? a : best;
    }, undefined);
  };
  const assign = (agent: AgentSlot, unit: readonly PlannedBot[]): void => {
    byAgent.get(agent.id)!.push(...unit);
    load.set(agent.id, (load.get(agent.id) ?? 0) + cost(unit));
  };
  const assignSingly = (unit: readonly PlannedBot[]): void => {
    for (const bot of unit) {
      // Fractional costs can leave room only in pieces smaller than one bot, though enough in sum.
      const agent = pick(costOf(bot));
      if (!agent) {
        throw new JltError('INVALID_ARGUMENT', `bot ${bot.id} (room of ${shown(costOf(bot))} full chromium bots) fits on no agent: ${agents
          .map((a) => `${a.id}: ${shown(Math.max(0, free(a)))}`)
          .join(', ')} left`, { hint: CAPACITY_HINT });
      }
      assign(agent, [bot]);
    }
  };

  if (options.keepConferencesTogether) {
    const conferences = new Map<string, PlannedBot[]>();
    for (const bot of bots) {
      const group = conferences.get(bot.conference) ?? [];
      group.push(bot);
      conferences.set(bot.conference, group);
    }
    const bySizeDescending = [...conferences.entries()].sort((a, b) => cost(b[1]) - cost(a[1]));
    for (const [name, group] of bySizeDescending) {
      const agent = pick(cost(group));
      if (agent) {
        assign(agent, group);
      } else {
        splitConferences.push(name);
        assignSingly(group);
      }
    }
  } else {
    assignSingly(bots);
  }
  for (const list of byAgent.values()) list.sort((a, b) => a.index - b.index);
  return { byAgent, splitConferences };
}
