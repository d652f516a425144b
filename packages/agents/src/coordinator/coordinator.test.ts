import { describe, expect, it } from 'vitest';
import { packSamples, PROTOCOL_VERSION, readBotState, readRunPhase, type Logger, type Plan, type PlannedBot, type RunEvent, type Sample } from '@jlt/core';
import { assignedTestScenario, until } from '@jlt/core/test-support';
import { runAgentSession, type SessionEnd } from '../agent/agent-session.js';
import { fakeShareFactory } from '../agent/fake-share.test-support.js';
import { createChannelPair, type MessageChannel } from '../transport/channel.js';
import { connectChannel, listenForChannels } from '../transport/websocket.js';
import { Coordinator, type CoordinatorOptions } from './coordinator.js';

function plan(conferences: number, participants: number, holdMs: number): Plan {
  const bots: PlannedBot[] = [];
  for (let c = 0; c < conferences; c++)
    for (let p = 0; p < participants; p++)
      bots.push({ id: `c${c}-p${p}`, index: bots.length, conference: `room-${c}`, conferenceIndex: c, participantIndex: p, role: 'sender', mode: 'full', startOffsetMs: 0 });
  return {
    scenario: 'fake',
    executor: 'conference-grid',
    conferences: [],
    bots,
    rampUpMs: 0,
    holdMs,
    totalMs: holdMs,
  };
}

const quiet: Logger = { log: () => {} };

function collector() {
  const samples: Sample[] = [];
  const events: RunEvent[] = [];
  return { samples, events, sink: { samples: (s: Sample[]) => samples.push(...s), events: (e: RunEvent[]) => events.push(...e) } };
}

function coordinatorOptions(overrides: Partial<CoordinatorOptions> & Pick<CoordinatorOptions, 'sink' | 'plan'>): CoordinatorOptions {
  return {
    runId: 'run-1',
    token: 'secret-token',
    scenarioName: 'fake',
    scenario: assignedTestScenario('fake'),
    shard: { placement: 'spread', keepConferencesTogether: true },
    onAgentLoss: 'fail',
    expectedAgents: 1,
    logger: quiet,
    signal: new AbortController().signal,
    agentWaitTimeoutMs: 10_000,
    startDelayMs: 100,
    ...overrides,
  };
}

function startAgent(channel: MessageChannel, options: { token?: string; maxBots?: number; cores?: number; signal?: AbortSignal; name?: string } = {}): Promise<SessionEnd> {
  return runAgentSession({
    channel,
    token: options.token ?? 'secret-token',
    name: options.name ?? 'test-agent',
    version: 'test',
    capacity: { cores: options.cores ?? 2, memoryBytes: 1e9, maxBots: options.maxBots ?? 10 },
    createShare: fakeShareFactory(),
    logger: quiet,
    signal: options.signal ?? new AbortController().signal,
    initialExchanges: 3,
  });
}

describe('Coordinator with agents over real channels', () => {
  it('runs one in-process agent: every bot joins and samples arrive on the coordinator clock', async () => {
    const out = collector();
    const coordinator = new Coordinator(coordinatorOptions({ sink: out.sink, plan: plan(1, 3, 600) }));
    const [coordinatorSide, agentSide] = createChannelPair();
    coordinator.addChannel(coordinatorSide);
    const session = startAgent(agentSide);
    const result = await coordinator.run();
    await session;
    expect(result.status).toBe('completed');
    expect(result.bots.map((b) => b.joined)).toEqual([true, true, true]);
    expect(result.agents[0]!.clock).toBeDefined();
    expect(Math.abs(result.agents[0]!.clock!.offsetMs)).toBeLessThan(50);
    expect(new Set(out.samples.map((s) => s.meta?.bot))).toEqual(new Set(['c0-p0', 'c0-p1', 'c0-p2']));
    for (const sample of out.samples) {
      expect(sample.time).toBeGreaterThanOrEqual(result.startedAt! - 50);
      expect(sample.time).toBeLessThanOrEqual(result.endedAt + 50);
    }
  });

  it('spreads conferences over two WebSocket agents and refuses a wrong token on both sides', async () => {
    const out = collector();
    const logs: string[] = [];
    const coordinator = new Coordinator(
      coordinatorOptions({ sink: out.sink, plan: plan(2, 2, 500), expectedAgents: 2, logger: { log: (_l, m) => logs.push(m) } }),
    );
    const server = await listenForChannels({ host: '127.0.0.1', port: 0, onChannel: (c) => coordinator.addChannel(c) });
    try {
      const intruder = await startAgent(await connectChannel(server.url), { token: 'wrong', name: 'intruder' });
      expect(intruder).toEqual({ kind: 'refused', reason: 'wrong token' });
      expect(logs.some((l) => l.includes('refused agent "intruder"') && l.includes('wrong token'))).toBe(true);
      expect(logs.join('\n')).not.toContain('secret-token');
      const sessions = [startAgent(await connectChannel(server.url), { name: 'a' }), startAgent(await connectChannel(server.url), { name: 'b' })];
      const result = await coordinator.run();
      await Promise.all(sessions);
      expect(result.status).toBe('completed');
      expect(result.agents.map((a) => a.bots.length)).toEqual([2, 2]);
      const conferencesPerAgent = result.agents.map((a) => new Set(a.bots.map((id) => id.split('-')[0])).size);
      expect(conferencesPerAgent).toEqual([1, 1]);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['fail', 'agent-lost'],
    ['continue', 'completed'],
  ] as const)('under onAgentLoss %s a vanished agent ends the run as %s and keeps the survivor\'s samples', async (policy, status) => {
    const out = collector();
    const coordinator = new Coordinator(
      coordinatorOptions({ sink: out.sink, plan: plan(2, 1, 2_500), expectedAgents: 2, onAgentLoss: policy, missedHeartbeats: 1 }),
    );
    const pairs = [createChannelPair(), createChannelPair()];
    for (const [c] of pairs) coordinator.addChannel(c);
    const survivor = startAgent(pairs[0]![1], { name: 'survivor' });
    const victim = startAgent(pairs[1]![1], { name: 'victim' });
    const running = coordinator.run();
    await until(() => out.samples.some((s) => s.tags.agent === 'agent-2'), 5_000);
    pairs[1]![1].close('killed');
    const result = await running;
    await Promise.all([survivor, victim]);
    expect(result.status).toBe(status);
    expect(result.agents.find((a) => a.name === 'victim')!.lost).toBe(true);
    expect(out.events.some((e) => e.kind === 'agent-lost')).toBe(true);
    if (policy === 'continue') {
      const victimBot = result.bots.find((b) => b.agentId === 'agent-2')!;
      expect(victimBot.state).toBe('lost');
      const survivorSamples = out.samples.filter((s) => s.tags.agent === 'agent-1');
      expect(survivorSamples.length).toBeGreaterThan(30);
    }
  });

  it('does not lose an agent for a stall of its own event loop: silence counts at most one heartbeat interval per check', async () => {
    // The coordinator's clock jumps 8 s at once, as a stalled event loop sees it; the agent keeps
    // sending heartbeats. Counting the jump as silence would mark it lost (3 intervals).
    const out = collector();
    let stalledMs = 0;
    const coordinator = new Coordinator(coordinatorOptions({ sink: out.sink, plan: plan(1, 1, 3_000), now: () => Date.now() + stalledMs }));
    const [coordinatorSide, agentSide] = createChannelPair();
    coordinator.addChannel(coordinatorSide);
    const agent = startAgent(agentSide);
    const running = coordinator.run();
    await until(() => out.samples.length > 0, 5_000);
    stalledMs = 8_000;
    const result = await running;
    await agent;
    expect(out.events.filter((e) => e.kind === 'agent-lost').map((e) => e.message)).toEqual([]);
    expect(result.status).toBe('completed');
  });

  it('holds acks while the sink is behind and releases them when it catches up, losing no sample', async () => {
    const out = collector();
    let behind = false;
    let batchesReceived = 0;
    const sink = {
      samples: (s: Sample[]) => {
        batchesReceived++;
        out.sink.samples(s);
      },
      events: out.sink.events,
      backlogAgeMs: () => (behind ? 5_000 : 0),
    };
    const coordinator = new Coordinator(coordinatorOptions({ sink, plan: plan(1, 2, 2_500) }));
    const [coordinatorSide, agentSide] = createChannelPair();
    const acks: number[] = [];
    const send = coordinatorSide.send.bind(coordinatorSide);
    coordinatorSide.send = (text: string) => {
      const message = JSON.parse(text) as { type: string; upToSeq?: number };
      if (message.type === 'ack') acks.push(message.upToSeq ?? -1);
      return send(text);
    };
    coordinator.addChannel(coordinatorSide);
    const session = startAgent(agentSide);
    const running = coordinator.run();

    await until(() => acks.length >= 2, 10_000);
    behind = true;
    const acksWhenBehind = acks.length;
    const batchesWhenBehind = batchesReceived;
    await until(() => batchesReceived >= batchesWhenBehind + 2, 10_000);
    expect(acks.length, 'no ack while the sink is behind').toBe(acksWhenBehind);
    behind = false;
    await until(() => acks.length > acksWhenBehind, 10_000);

    const result = await running;
    await session;
    expect(result.status).toBe('completed');
    expect(acks).toEqual([...acks].sort((a, b) => a - b));
    const perBot = new Map<string, number[]>();
    for (const sample of out.samples) perBot.set(String(sample.meta?.bot), [...(perBot.get(String(sample.meta?.bot)) ?? []), sample.time]);
    expect([...perBot.keys()].sort()).toEqual(['c0-p0', 'c0-p1']);
    // The fake share samples every 50 ms for the whole 2.5 s hold: a held ack may slow sending, never drop.
    for (const times of perBot.values()) expect(times.length).toBeGreaterThanOrEqual(30);
  });

  it('refuses an agent of another protocol version with a reason, and such an agent ends its session at once', async () => {
    const out = collector();
    const coordinator = new Coordinator(coordinatorOptions({ sink: out.sink, plan: plan(1, 1, 300) }));
    const [foreignCoordinatorSide, foreign] = createChannelPair();
    const received: string[] = [];
    foreign.onMessage((frame) => received.push(String(frame)));
    const closed = new Promise<string>((resolve) => foreign.onClose(resolve));
    coordinator.addChannel(foreignCoordinatorSide);
    const hello = { v: PROTOCOL_VERSION + 1, type: 'hello', seq: 0, ts: 0, token: 'secret-token', name: 'future', version: '9', capacity: { cores: 1, memoryBytes: 1, maxBots: 1 } };
    await foreign.send(JSON.stringify(hello));
    expect(await closed).toBe('protocol version mismatch');
    const replies = received.map((text) => JSON.parse(text) as { type: string; reason?: string });
    expect(replies.map((reply) => reply.type)).toEqual(['refused']);
    expect(replies[0]?.reason).toContain(`protocol version ${PROTOCOL_VERSION + 1} is not supported; this side speaks version ${PROTOCOL_VERSION}; run the same jlt version`);

    const [coordinatorOfTheFuture, agentSide] = createChannelPair();
    const session = startAgent(agentSide);
    coordinatorOfTheFuture.onMessage(() => {
      void coordinatorOfTheFuture.send(JSON.stringify({ v: PROTOCOL_VERSION + 1, type: 'welcome', seq: 0, ts: 0, agentId: 'a1' }));
    });
    const end = await session;
    expect(end.kind).toBe('refused');
    expect(end.kind === 'refused' ? end.reason : '').toMatch(/^the coordinator speaks another protocol \(protocol version \d+ is not supported/);

    const [coordinatorSide, agentOfThisVersion] = createChannelPair();
    coordinator.addChannel(coordinatorSide);
    const served = startAgent(agentOfThisVersion);
    expect((await coordinator.run()).status).toBe('completed');
    await served;
  });

  it('rejects malformed, unauthenticated and out-of-order messages without ending the run', async () => {
    const out = collector();
    const coordinator = new Coordinator(coordinatorOptions({ sink: out.sink, plan: plan(1, 1, 400) }));
    const [rogueCoordinatorSide, rogue] = createChannelPair();
    coordinator.addChannel(rogueCoordinatorSide);
    await rogue.send('{not json');
    await rogue.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'samples', seq: 0, ts: 0, runId: 'run-1', samples: packSamples([]) }));
    const [coordinatorSide, agentSide] = createChannelPair();
    coordinator.addChannel(coordinatorSide);
    const session = startAgent(agentSide);
    const result = await coordinator.run();
    await session;
    expect(result.status).toBe('completed');
    const rejected = out.events.filter((e) => e.kind === 'agent-message-rejected').map((e) => e.message);
    expect(rejected.some((m) => m.includes('unauthenticated peer'))).toBe(true);
    expect(rejected.some((m) => m.includes('samples before hello'))).toBe(true);
  });

  it('tells the run through events how it goes: phases, the start time, agents and every bot state', async () => {
    const out = collector();
    const coordinator = new Coordinator(coordinatorOptions({ sink: out.sink, plan: plan(1, 2, 400) }));
    const [coordinatorSide, agentSide] = createChannelPair();
    coordinator.addChannel(coordinatorSide);
    const session = startAgent(agentSide);
    const result = await coordinator.run();
    await session;
    const story = out.events.flatMap((e) => {
      const phase = readRunPhase(e);
      if (phase) return [`phase ${phase.phase}`];
      const bot = readBotState(e);
      if (bot) return [`${bot.bot} ${bot.state}`];
      return e.kind === 'agent-connected' ? [`connected ${e.tags?.agent}`] : [];
    });
    expect(story.filter((line) => !line.startsWith('c0-'))).toEqual(['phase agents', 'connected agent-1', 'phase preparing', 'phase running', 'phase stopping']);
    for (const bot of ['c0-p0', 'c0-p1']) expect(story.filter((line) => line.startsWith(bot))).toEqual([`${bot} joined`, `${bot} left`]);
    const running = out.events.map(readRunPhase).find((p) => p?.phase === 'running');
    expect(running).toEqual({ phase: 'running', startedAt: result.startedAt, totalMs: 400, agents: 1 });
  });

  it('fails at once, without waiting for agents to stop, when the plan exceeds the agents\' room', async () => {
    const out = collector();
    const coordinator = new Coordinator(coordinatorOptions({ sink: out.sink, plan: plan(2, 5, 5_000) }));
    const [coordinatorSide, agentSide] = createChannelPair();
    coordinator.addChannel(coordinatorSide);
    const session = startAgent(agentSide, { maxBots: 6 });
    const started = performance.now();
    // The scenario's default browser is the headless shell: a full bot on it takes 0.88 of a full chromium bot's room.
    await expect(coordinator.run()).rejects.toThrow('the plan has 10 bots taking the room of 8.79 full chromium bots but the agents have room for 6');
    expect(performance.now() - started).toBeLessThan(3_000);
    expect((await session).kind).toBe('disconnected');
  });

  it('asks whether to abort with the time since the common start', async () => {
    const out = collector();
    const asked: number[] = [];
    const coordinator = new Coordinator(
      coordinatorOptions({
        sink: out.sink,
        plan: plan(1, 1, 5_000),
        shouldAbort: (elapsedMs) => {
          asked.push(elapsedMs);
          return elapsedMs >= 600 ? 'threshold webrtc_rtt_ms max<0 failed (abortOnFail)' : undefined;
        },
      }),
    );
    const [coordinatorSide, agentSide] = createChannelPair();
    coordinator.addChannel(coordinatorSide);
    const session = startAgent(agentSide);
    const result = await coordinator.run();
    await session;
    expect(result).toMatchObject({ status: 'aborted', reason: 'threshold webrtc_rtt_ms max<0 failed (abortOnFail)' });
    expect(asked[0]).toBeGreaterThanOrEqual(0);
    expect(asked.at(-1)).toBeGreaterThanOrEqual(600);
    expect(asked.at(-1)).toBeLessThan(1_500);
  });

  it('says so when an agent gets more bots than its cores fit (an operator raised its --max-bots)', async () => {
    const out = collector();
    const coordinator = new Coordinator(coordinatorOptions({ sink: out.sink, plan: plan(1, 4, 300) }));
    const [coordinatorSide, agentSide] = createChannelPair();
    coordinator.addChannel(coordinatorSide);
    const session = startAgent(agentSide, { name: 'one-core', cores: 1, maxBots: 4 });
    expect((await coordinator.run()).status).toBe('completed');
    await session;
    const warnings = out.events.filter((e) => e.kind === 'agent-oversubscribed');
    expect(warnings.map((e) => [e.level, e.tags?.agent, e.meta])).toEqual([['warn', 'agent-1', { bots: 4, fits: 3, cores: 1 }]]);
    expect(warnings[0]?.message).toBe('agent agent-1 (one-core) runs 4 bots but its 1 cores fit 3 at 0.3 cores per bot: it will be saturated');
  });
});

