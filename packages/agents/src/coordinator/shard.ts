import { JltError, type PlannedBot } from '@jlt/core';
import { CAPACITY_HINT } from '../worker/capacity.js';

export interface AgentSlot {
  id: string;
  /** How many bots this agent may run at once (from its reported capacity). */
  maxBots: number;
  /** Bots it already runs, e.g. when redistributing onto surviving agents. */
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

/**
 * Assigns every bot to an agent without exceeding any agent's `maxBots`. Units of assignment are whole
 * conferences when kept together (largest first, so big rooms find room before small ones fill the gaps),
 * otherwise single bots in start order. Throws when the agents together have too little capacity.
 */
export function shardPlan(bots: readonly PlannedBot[], agents: readonly AgentSlot[], options: ShardOptions): ShardResult {
  if (agents.length === 0) throw new JltError('INVALID_ARGUMENT', 'no agents to run the plan on');
  const load = new Map(agents.map((a) => [a.id, a.assigned ?? 0]));
  const free = (a: AgentSlot): number => a.maxBots - (load.get(a.id) ?? 0);
  const totalFree = agents.reduce((sum, a) => sum + Math.max(0, free(a)), 0);
  if (totalFree < bots.length) {
    throw new JltError('INVALID_ARGUMENT', `the plan has ${bots.length} bots but the agents have room for ${totalFree} (${agents
      .map((a) => `${a.id}: ${Math.max(0, free(a))}`)
      .join(', ')})`, { hint: CAPACITY_HINT });
  }

  const byAgent = new Map<string, PlannedBot[]>(agents.map((a) => [a.id, []]));
  const splitConferences: string[] = [];
  const pick = (size: number): AgentSlot | undefined => {
    const fitting = agents.filter((a) => free(a) >= size);
    if (options.placement === 'pack') return fitting[0];
    return fitting.reduce<AgentSlot | undefined>((best, a) => {
      if (!best) return a;
      const ratio = (x: AgentSlot): number => (load.get(x.id) ?? 0) / Math.max(1, x.maxBots);
      return ratio(a) < ratio(best) ? a : best;
    }, undefined);
  };
  const assign = (agent: AgentSlot, unit: readonly PlannedBot[]): void => {
    byAgent.get(agent.id)!.push(...unit);
    load.set(agent.id, (load.get(agent.id) ?? 0) + unit.length);
  };
  const assignSingly = (unit: readonly PlannedBot[]): void => {
    for (const bot of unit) assign(pick(1)!, [bot]);
  };

  if (options.keepConferencesTogether) {
    const conferences = new Map<string, PlannedBot[]>();
    for (const bot of bots) {
      const group = conferences.get(bot.conference) ?? [];
      group.push(bot);
      conferences.set(bot.conference, group);
    }
    const bySizeDescending = [...conferences.entries()].sort((a, b) => b[1].length - a[1].length);
    for (const [name, group] of bySizeDescending) {
      const agent = pick(group.length);
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
