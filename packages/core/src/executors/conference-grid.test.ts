import { describe, it, expect } from 'vitest';
import { loadScenarioText } from '../scenario/load.js';
import { describePlan } from './describe-plan.js';
import { sanitizeRoomName } from './room-name.js';

function planOf(options: string, target = '{ kind: testbed }', name = 'grid') {
  return loadScenarioText(`name: ${name}\ntarget: ${target}\n${options}`, 'p.yaml').plan;
}

describe('conference-grid plan', () => {
  it.each([
    // conferences, participants, senders, rampUp, expected senders per conference
    [10, 3, 'all', '{ every: 2s }', 3],
    [1, 10, '2', '{ every: 500ms }', 2],
    [3, 10, '0', '{ over: 29s }', 0],
    [2, 1, 'all', undefined, 1],
  ] as const)('%d × %d, senders %s, rampUp %s', (conferences, participants, senders, rampUp, sendersPer) => {
    const plan = planOf(
      `conferences: ${conferences}\nparticipantsPerConference: ${participants}\nsenders: ${senders}\n` +
        `${rampUp ? `rampUp: ${rampUp}\n` : ''}duration: 300s\n`,
    );
    expect(plan.bots).toHaveLength(conferences * participants);
    expect(plan.conferences).toHaveLength(conferences);
    expect(new Set(plan.bots.map((b) => b.id)).size).toBe(plan.bots.length);
    plan.bots.forEach((bot, index) => {
      expect(bot.index).toBe(index);
      expect(bot.conferenceIndex).toBe(Math.floor(index / participants));
      expect(bot.participantIndex).toBe(index % participants);
      expect(bot.conference).toBe(plan.conferences[bot.conferenceIndex]?.name);
      expect(bot.role).toBe(bot.participantIndex < sendersPer ? 'sender' : 'receiver');
    });
    for (const conference of plan.conferences) expect(conference).toMatchObject({ participants, senders: sendersPer });
    const offsets = plan.bots.map((b) => b.startOffsetMs);
    expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
    expect(plan.rampUpMs).toBe(offsets.at(-1));
    expect(plan.holdMs).toBe(300_000);
    expect(plan.totalMs).toBe(plan.rampUpMs + 300_000);
  });

  it.each([
    ['{ every: 2s }', 6, [0, 2_000, 4_000, 6_000, 8_000, 10_000]],
    ['{ over: 10s }', 6, [0, 2_000, 4_000, 6_000, 8_000, 10_000]],
    ['{ over: 1s }', 4, [0, 333, 667, 1_000]],
    ['{ over: 1m }', 1, [0]],
  ])('rampUp %s over %d bots starts at %j', (rampUp, bots, offsets) => {
    const plan = planOf(`conferences: 1\nparticipantsPerConference: ${bots}\nrampUp: ${rampUp}\nduration: 1s\n`);
    expect(plan.bots.map((b) => b.startOffsetMs)).toEqual(offsets);
  });

  it('starts all bots at once without rampUp', () => {
    const plan = planOf('conferences: 2\nparticipantsPerConference: 2\nduration: 5s\n');
    expect(plan.bots.map((b) => b.startOffsetMs)).toEqual([0, 0, 0, 0]);
    expect(plan.rampUpMs).toBe(0);
  });

  it.each([
    ['study', '{ kind: testbed }', 3, 3, ['study-01', 'study-02', 'study-03'], 'c01-p01'],
    ['x', '{ kind: testbed, roomPrefix: Jlt_10x3 }', 10, 1, ['jlt-10x3-01', 'jlt-10x3-10'], 'c01-p01'],
    ['Big.Run', '{ kind: jitsi }', 100, 1, ['big-run-001', 'big-run-100'], 'c001-p01'],
    ['page', '{ kind: page, url: "http://localhost/", joinedWhen: { remoteMedia: any } }', 1, 100, ['page-01'], 'c01-p001'],
  ])('names rooms for %s with %s', (name, target, conferences, participants, rooms, firstBot) => {
    const plan = planOf(`conferences: ${conferences}\nparticipantsPerConference: ${participants}\nduration: 1s\n`, target, name);
    const names = plan.conferences.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(rooms));
    expect(names[0]).toBe(rooms[0]);
    expect(plan.bots[0]?.id).toBe(firstBot);
  });
});

describe('sanitizeRoomName', () => {
  it.each([
    ['jlt-10x3-01', 'jlt-10x3-01'],
    ['Study Run_3', 'study-run-3'],
    ['--a..b--', 'a-b'],
    ['Ünïcode', 'n-code'],
    ['!!!', 'jlt'],
  ])('%s → %s', (raw, expected) => {
    expect(sanitizeRoomName(raw)).toBe(expected);
  });
});

describe('describePlan', () => {
  it.each([
    ['conferences: 10\nparticipantsPerConference: 3\nrampUp: { every: 2s }\nduration: 300s\n', '10 conferences × 3 participants, 30 bots over 58 s, then 300 s'],
    ['conferences: 1\nparticipantsPerConference: 3\nrampUp: { every: 1s }\nduration: 20s\n', '1 conference × 3 participants, 3 bots over 2 s, then 20 s'],
    ['conferences: 2\nparticipantsPerConference: 1\nduration: 1m30s\n', '2 conferences × 1 participant, 2 bots at once, then 90 s'],
    ['conferences: 1\nparticipantsPerConference: 4\nsenders: 1\nrampUp: { every: 500ms }\nduration: 10s\n', '1 conference × 4 participants, 4 bots over 1.5 s, then 10 s (1 send, 3 receive only)'],
  ])('%#', (options, expected) => {
    expect(describePlan(planOf(options))).toBe(expected);
  });
});

describe('conference-grid bot modes', () => {
  it.each([
    // bots.mode, expected modes of participants p0..p4 (senders: 2)
    ['{ receivers: lite }', ['full', 'full', 'lite', 'lite', 'lite']],
    ['{ receivers: lite, probes: 1 }', ['full', 'full', 'lite', 'lite', 'full']],
    ['{ senders: lite, receivers: lite, probes: 2 }', ['lite', 'lite', 'lite', 'full', 'full']],
    ['{ senders: lite, probes: 4 }', ['lite', 'full', 'full', 'full', 'full']],
    ['{}', ['full', 'full', 'full', 'full', 'full']],
  ] as const)('bots.mode %s: the last probes participants are full, the rest take their role\'s mode', (mode, expected) => {
    const plan = planOf(`conferences: 2\nparticipantsPerConference: 5\nsenders: 2\nduration: 10s\nbots: { mode: ${mode} }\n`);
    for (const c of [0, 1]) expect(plan.bots.filter((b) => b.conferenceIndex === c).map((b) => b.mode)).toEqual(expected);
  });

  it('rejects an unknown bot mode with its file:line', () => {
    expect(() => planOf('conferences: 1\nparticipantsPerConference: 2\nduration: 10s\nbots:\n  mode: { receivers: cheap }\n')).toThrow(/p\.yaml:7: bots\.mode\.receivers: must be "full" or "lite"/s);
  });
});
