import fc from 'fast-check';
import { WebSocket } from 'ws';
import { decodeMessage, type Logger, type Plan, type PlannedBot, type RunEvent, type Sample } from '@jlt/core';
import { assignedTestScenario, hostileAgentFrameArbitrary } from '@jlt/core/test-support';
import { describe, expect, it } from 'vitest';
import { runAgentSession } from '../agent/agent-session.js';
import { fakeShareFactory } from '../agent/fake-share.test-support.js';
import type { MessageChannel } from '../transport/channel.js';
import { channelFromSocket, listenForChannels } from '../transport/websocket.js';
import { Coordinator } from './coordinator.js';

/*
 * A live coordinator and a real agent session over a real WebSocket, with the agent's channel
 * misbehaving: after each of its messages it also sends up to 30 frames the protocol rejects (seeded hostile
 * frames from the decoder's property test, binary frames) and now and then its last message again
 * (a replay, out of order). The coordinator must reject and count every one of them, and the run
 * must complete as if nothing had happened.
 */

const quiet: Logger = { log: () => {} };

function plan(participants: number, holdMs: number): Plan {
  const bots: PlannedBot[] = Array.from({ length: participants }, (_, p) => ({
    id: `c0-p${p}`,
    index: p,
    conference: 'room-0',
    conferenceIndex: 0,
    participantIndex: p,
    role: 'sender',
    mode: 'full',
    startOffsetMs: 0,
  }));
  return { scenario: 'fake', executor: 'conference-grid', conferences: [], bots, rampUpMs: 0, holdMs, totalMs: holdMs };
}

/** Hostile frames the coordinator's decoder refuses (a frame that happens to decode would be a real message). */
const rejectedFrames = fc.sample(
  hostileAgentFrameArbitrary.filter((frame) => typeof frame !== 'string' || !decodeMessage(frame, { from: 'agent' }).ok),
  { seed: 13_301, numRuns: 240 },
);

/** Wraps the agent's side of a WebSocket so that it misbehaves as described above; counts what it injected. */
function misbehaving(socket: WebSocket, inner: MessageChannel, frames: readonly (string | Uint8Array)[]): MessageChannel & { injected(): number } {
  let next = 0;
  let injected = 0;
  let sent = 0;
  let finished = false;
  const sendRaw = (frame: string | Uint8Array): Promise<void> =>
    typeof frame === 'string' ? inner.send(frame) : new Promise((resolve, reject) => socket.send(frame, (error) => (error ? reject(error) : resolve())));
  return {
    ...inner,
    async send(text) {
      await inner.send(text);
      // Nothing after `done`: the coordinator may close the connection once it has it.
      finished ||= text.includes('"type":"done"');
      if (finished) return;
      sent += 1;
      for (let i = 0; i < 30 && next < frames.length; i++, injected++) await sendRaw(frames[next++]!);
      if (sent % 4 === 0) {
        await inner.send(text);
        injected += 1;
      }
    },
    injected: () => injected,
  };
}

describe('Coordinator fed by a misbehaving agent over a WebSocket', () => {
  it('rejects and counts every hostile frame and replay, and the run completes with every bot joined', async () => {
    expect(rejectedFrames.length).toBe(240);
    expect(rejectedFrames.some((frame) => typeof frame !== 'string')).toBe(true);
    const samples: Sample[] = [];
    const events: RunEvent[] = [];
    const warnings: string[] = [];
    const coordinator = new Coordinator({
      runId: 'run-1',
      token: 'secret-token',
      scenarioName: 'fake',
      scenario: assignedTestScenario('fake'),
      plan: plan(2, 2_000),
      shard: { placement: 'spread', keepConferencesTogether: true },
      onAgentLoss: 'fail',
      expectedAgents: 1,
      sink: { samples: (s) => samples.push(...s), events: (e) => events.push(...e) },
      logger: { log: (level, message) => void (level === 'warn' && warnings.push(message)) },
      signal: new AbortController().signal,
      agentWaitTimeoutMs: 10_000,
      startDelayMs: 100,
    });
    const server = await listenForChannels({ host: '127.0.0.1', port: 0, onChannel: (channel) => coordinator.addChannel(channel) });
    try {
      const socket = new WebSocket(server.url);
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
      const channel = misbehaving(socket, channelFromSocket(socket, server.url), rejectedFrames);
      const session = runAgentSession({
        channel,
        token: 'secret-token',
        name: 'misbehaving',
        version: 'test',
        capacity: { cores: 2, memoryBytes: 1e9, maxBots: 10 },
        createShare: fakeShareFactory(),
        logger: quiet,
        signal: new AbortController().signal,
        initialExchanges: 3,
      });
      const result = await coordinator.run();
      await session;

      expect(result.status).toBe('completed');
      expect(result.bots.map((b) => [b.bot.id, b.joined])).toEqual([
        ['c0-p0', true],
        ['c0-p1', true],
      ]);
      expect(new Set(samples.map((s) => s.meta?.bot))).toEqual(new Set(['c0-p0', 'c0-p1']));
      // Every hostile frame found a message to follow, and every one of them was counted.
      expect(channel.injected()).toBeGreaterThan(rejectedFrames.length);
      expect(result.agents.map((a) => a.rejectedMessages)).toEqual([channel.injected()]);
      // Each rejection is logged; the first 20 also become events, so a flood cannot flood the store.
      const rejections = warnings.filter((w) => w.startsWith('rejected a message from agent-1: '));
      expect(rejections).toHaveLength(channel.injected());
      expect(events.filter((e) => e.kind === 'agent-message-rejected')).toHaveLength(20);
      expect(rejections.filter((w) => w.includes(': binary frame of ')).length).toBe(rejectedFrames.filter((f) => typeof f !== 'string').length);
      expect(rejections.some((w) => w.includes(': out-of-order message '))).toBe(true);
      for (const line of rejections) expect(line.length).toBeLessThan(800);
    } finally {
      await server.close();
    }
  });
});
