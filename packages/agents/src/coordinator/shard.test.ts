import { describe, expect, it } from 'vitest';
import type { PlannedBot } from '@jlt/core';
import { shardPlan, type AgentSlot, type ShardOptions } from './shard.js';

function grid(conferences: number, participants: number): PlannedBot[] {
  const bots: PlannedBot[] = [];
  for (let c = 0; c < conferences; c++) {
    for (let p = 0; p < participants; p++) {
      const index = bots.length;
      bots.push({
        id: `c${c + 1}-p${p + 1}`,
        index,
        conference: `room-${c + 1}`,
        conferenceIndex: c,
        participantIndex: p,
        role: 'sender',
        mode: 'full',
        startOffsetMs: index * 1000,
      });
    }
  }
  return bots;
}

function summary(result: ReturnType<typeof shardPlan>): Record<string, string[]> {
  return Object.fromEntries([...result.byAgent].map(([agent, bots]) => [agent, bots.map((b) => b.id)]));
}

const spreadTogether: ShardOptions = { placement: 'spread', keepConferencesTogether: true };

describe('shardPlan', () => {
  it.each<[string, PlannedBot[], AgentSlot[], ShardOptions, Record<string, string[]>]>([
    [
      'spread keeps conferences whole and balances',
      grid(2, 2),
      [{ id: 'a', maxBots: 4 }, { id: 'b', maxBots: 4 }],
      spreadTogether,
      { a: ['c1-p1', 'c1-p2'], b: ['c2-p1', 'c2-p2'] },
    ],
    [
      'pack fills the first agent first',
      grid(2, 2),
      [{ id: 'a', maxBots: 4 }, { id: 'b', maxBots: 4 }],
      { placement: 'pack', keepConferencesTogether: true },
      { a: ['c1-p1', 'c1-p2', 'c2-p1', 'c2-p2'], b: [] },
    ],
    [
      'spread bot by bot alternates when conferences may be split',
      grid(1, 4),
      [{ id: 'a', maxBots: 4 }, { id: 'b', maxBots: 4 }],
      { placement: 'spread', keepConferencesTogether: false },
      { a: ['c1-p1', 'c1-p3'], b: ['c1-p2', 'c1-p4'] },
    ],
    [
      'spread weighs by capacity ratio',
      grid(3, 1),
      [{ id: 'big', maxBots: 10 }, { id: 'small', maxBots: 2 }],
      spreadTogether,
      { big: ['c1-p1', 'c3-p1'], small: ['c2-p1'] },
    ],
    [
      'already assigned bots count (redistribution)',
      grid(1, 2),
      [{ id: 'a', maxBots: 4, assigned: 3 }, { id: 'b', maxBots: 4, assigned: 0 }],
      spreadTogether,
      { a: [], b: ['c1-p1', 'c1-p2'] },
    ],
  ])('%s', (_name, bots, agents, options, expected) => {
    expect(summary(shardPlan(bots, agents, options))).toEqual(expected);
  });

  it('splits a conference that no agent can hold whole, and says so', () => {
    const result = shardPlan(grid(1, 3), [{ id: 'a', maxBots: 2 }, { id: 'b', maxBots: 2 }], spreadTogether);
    expect(result.splitConferences).toEqual(['room-1']);
    expect([...result.byAgent.values()].map((b) => b.length).sort()).toEqual([1, 2]);
  });

  it('never exceeds capacity and assigns every bot exactly once', () => {
    const bots = grid(7, 3);
    const agents = [{ id: 'a', maxBots: 9 }, { id: 'b', maxBots: 6 }, { id: 'c', maxBots: 7 }];
    const result = shardPlan(bots, agents, spreadTogether);
    for (const agent of agents) expect(result.byAgent.get(agent.id)!.length).toBeLessThanOrEqual(agent.maxBots);
    expect([...result.byAgent.values()].flat().map((b) => b.id).sort()).toEqual(bots.map((b) => b.id).sort());
  });

  it('refuses a plan larger than the agents can hold, naming the numbers', () => {
    expect(() => shardPlan(grid(2, 3), [{ id: 'a', maxBots: 4 }], spreadTogether)).toThrow(
      'the plan has 6 bots but the agents have room for 4',
    );
  });
});
