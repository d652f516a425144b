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

  describe('with per-bot costs (lite bots take less room)', () => {
    const lite = (bots: PlannedBot[], from: number): PlannedBot[] => bots.map((b) => (b.participantIndex >= from ? { ...b, mode: 'lite' } : b));
    const costOf = (bot: PlannedBot): number => (bot.mode === 'lite' ? 0.7 : 1);

    it('fits a conference whose bots outnumber an agent\'s maxBots when their costs do not', () => {
      const bots = lite(grid(1, 8), 1);
      const result = shardPlan(bots, [{ id: 'a', maxBots: 6 }], spreadTogether, costOf);
      expect(result.byAgent.get('a')).toHaveLength(8);
      expect(() => shardPlan(bots, [{ id: 'a', maxBots: 6 }], spreadTogether)).toThrow('the plan has 8 bots but the agents have room for 6');
    });

    it('balances and orders conferences by cost, not by count', () => {
      const heavy = grid(1, 3);
      const light = lite(grid(2, 4), 0).filter((b) => b.conference === 'room-2');
      const result = shardPlan([...heavy, ...light], [{ id: 'a', maxBots: 3 }, { id: 'b', maxBots: 3 }], spreadTogether, costOf);
      expect(summary(result)).toEqual({ a: ['c1-p1', 'c1-p2', 'c1-p3'], b: ['c2-p1', 'c2-p2', 'c2-p3', 'c2-p4'] });
    });

    it('counts the cost of bots already assigned when redistributing', () => {
      const result = shardPlan(lite(grid(1, 2), 0), [{ id: 'a', maxBots: 4, assigned: 3 }, { id: 'b', maxBots: 2.1, assigned: 0.7 }], spreadTogether, costOf);
      expect(summary(result)).toEqual({ a: [], b: ['c1-p1', 'c1-p2'] });
    });

    it('refuses in full-bot room, and a bot that fits only in pieces', () => {
      expect(() => shardPlan(lite(grid(1, 4), 1), [{ id: 'a', maxBots: 3 }], spreadTogether, costOf)).toThrow(
        'the plan has 4 bots taking the room of 3.1 full chromium bots but the agents have room for 3',
      );
      expect(() => shardPlan(grid(1, 1), [{ id: 'a', maxBots: 1, assigned: 0.5 }, { id: 'b', maxBots: 1, assigned: 0.5 }], spreadTogether, costOf)).toThrow(
        'bot c1-p1 (room of 1 full chromium bots) fits on no agent: a: 0.5, b: 0.5 left',
      );
    });
  });
});
