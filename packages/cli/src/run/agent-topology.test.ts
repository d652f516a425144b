import { describe, expect, it } from 'vitest';
import type { Logger } from '@jlt/core';
import { planTopology } from './agent-topology.js';

const GiB = 2 ** 30;
const twoCores = { cores: 2, totalMemoryBytes: 24 * GiB, freeMemoryBytes: 20 * GiB };

function logger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => void lines.push(`${level}: ${message}`) };
}

describe('planTopology', () => {
  it('refuses a plan larger than this machine, before anything starts, without blaming the resolution', () => {
    let error: unknown;
    try {
      planTopology({}, { bots: 10, room: 10 }, logger(), twoCores);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ exitCode: 2, message: 'the plan has 10 bots but this machine has room for 6 (2 cores at 0.3 cores per bot)' });
    expect((error as { hint: string }).hint).toContain('--max-bots N');
    expect((error as { hint: string }).hint).not.toMatch(/resolution/);
  });

  it('runs a larger plan with --max-bots, warning that the agent is saturated', () => {
    const log = logger();
    expect(planTopology({ maxBots: 10 }, { bots: 10, room: 10 }, log, twoCores)).toEqual({ kind: 'in-process', expectedAgents: 1, maxBots: [10] });
    expect(log.lines).toEqual(["warn: --max-bots 10 is more than this machine fits (6: 2 cores at 0.3 cores per bot); its agents will be saturated and the run's numbers not trustworthy"]);
    expect(() => planTopology({ maxBots: 4 }, { bots: 5, room: 5 }, logger(), twoCores)).toThrow('the plan has 5 bots but --max-bots allows 4');
  });

  it('counts the room the plan\'s bots take, so more lite or headless-shell bots fit than full chromium ones', () => {
    expect(planTopology({}, { bots: 8, room: 5.6 }, logger(), twoCores)).toEqual({ kind: 'in-process', expectedAgents: 1, maxBots: [6] });
    expect(() => planTopology({}, { bots: 8, room: 7.03 }, logger(), twoCores)).toThrow('the plan has 8 bots taking the room of 7.03 full chromium bots but this machine has room for 6');
  });

  it('splits the machine between local agent processes, and leaves remote agents to report their own', () => {
    expect(planTopology({ agents: 4 }, { bots: 3, room: 3 }, logger(), twoCores)).toEqual({ kind: 'local', expectedAgents: 4, maxBots: [2, 2, 1, 1] });
    expect(planTopology({ waitAgents: 3 }, { bots: 100, room: 100 }, logger(), twoCores)).toEqual({ kind: 'remote', expectedAgents: 3 });
  });
});
