import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssignedTarget, Logger, PlannedBot, RunEvent, Sample } from '@jlt/core';
import { until } from '@jlt/core/test-support';
import { WorkerShare, type BotState, type WorkerShareOptions } from '@jlt/agents';
import { startFixtureServer, type FixtureServer } from './worker-fixture-server.js';

const logger: Logger = { log: () => undefined };
let server: FixtureServer;
let dir: string;

beforeAll(async () => {
  server = await startFixtureServer();
  dir = await mkdtemp(join(tmpdir(), 'jlt-worker-e2e-'));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function planned(id: string, conference: string, index: number, role: PlannedBot['role'] = 'sender', startOffsetMs = index * 300): PlannedBot {
  return { id, index, conference, conferenceIndex: 0, participantIndex: index, role, mode: 'full', startOffsetMs };
}

interface Recorded {
  samples: Sample[];
  events: RunEvent[];
  states: Array<{ id: string; state: BotState; reason?: string; bridge?: string }>;
}

function share(bots: PlannedBot[], target: AssignedTarget, signal: AbortSignal, extra: Partial<WorkerShareOptions> = {}): { share: WorkerShare; rec: Recorded } {
  const rec: Recorded = { samples: [], events: [], states: [] };
  const s = new WorkerShare({
    bots,
    target,
    media: { video: { width: 320, height: 180, fps: 15 }, audio: true },
    tags: { scenario: 'worker-e2e', agent: 'a1' },
    clock: { toCoordinatorTime: (ms) => ms + 5_000 },
    sink: {
      samples: (s) => rec.samples.push(...s),
      events: (e) => rec.events.push(...e),
      botState: (id, state, info) => rec.states.push({ id, state, ...info }),
    },
    signal,
    logger,
    artifactsDir: join(dir, 'artifacts'),
    mediaCacheDir: join(dir, 'media'),
    joinPolicy: { timeoutMs: 20_000, retries: 0, retryDelayMs: 500 },
    poolOptions: { extraArgs: ['--allow-loopback-in-peer-connection'], budget: { coresPerBot: 0.1, memoryBytesPerBot: 100 * 2 ** 20 } },
    ...extra,
  });
  return { share: s, rec };
}

const value = (rec: Recorded, metric: string, bot: string): number[] =>
  rec.samples.filter((s) => s.metric === metric && s.meta?.bot === bot).map((s) => s.value);

describe('worker bots with real Chromium', () => {
  it('two bots on a loopback call, joined when remote video arrives, stream stats samples (pushed by binding): recvFps, recvKbps, rtt, host candidate', async () => {
    const controller = new AbortController();
    const target: AssignedTarget = { kind: 'page', url: `${server.url}/room.html?room={room}&bot={bot}`, steps: [], joinedWhen: { remoteMedia: 'video' } };
    const { share: s, rec } = share([planned('b1', 'room-a', 0), planned('b2', 'room-a', 1)], target, controller.signal, { probeDelivery: 'binding' });
    try {
      await s.prepare();
      s.start(Date.now() + 200, Number.POSITIVE_INFINITY);
      const flowing = (bot: string): boolean =>
        value(rec, 'webrtc_recv_fps', bot).some((v) => v > 0) && value(rec, 'webrtc_recv_kbps', bot).some((v) => v > 0) && value(rec, 'webrtc_rtt_ms', bot).length > 0;
      const seen = () => ({
        states: rec.states.map((x) => `${x.id}:${x.state}`),
        fps: ['b1', 'b2'].map((b) => value(rec, 'webrtc_recv_fps', b)),
        kbps: ['b1', 'b2'].map((b) => value(rec, 'webrtc_recv_kbps', b)),
        events: rec.events.map((e) => e.message),
      });
      await until(() => flowing('b1') && flowing('b2'), 40_000, () => `stats from both bots; seen: ${JSON.stringify(seen())}`);
      expect(s.activeBots()).toBe(2);
    } finally {
      await s.stop('test end');
    }
    const outcomes = await s.outcomes;
    expect(outcomes.map((o) => [o.id, o.state, o.joined])).toEqual([
      ['b1', 'left', true],
      ['b2', 'left', true],
    ]);
    for (const bot of ['b1', 'b2']) {
      expect(value(rec, 'bot_join_success', bot)).toEqual([1]);
      expect(value(rec, 'bot_join_time_ms', bot)[0]).toBeGreaterThan(0);
      const candidate = rec.samples.find((x) => x.metric === 'webrtc_ice_candidate_type' && x.meta?.bot === bot);
      expect(candidate?.tags).toMatchObject({ scenario: 'worker-e2e', agent: 'a1', conference: 'room-a' });
      if (candidate?.tags.candidate === 'host') expect(candidate.tags.bridge).toBe('127.0.0.1');
      else expect(candidate?.tags.bridge).not.toBe('unknown');
      expect(Math.max(...value(rec, 'webrtc_send_kbps', bot))).toBeGreaterThan(0);
    }
    // The offerer's remote candidate is the answerer's advertised 127.0.0.1 host candidate. The
    // answerer may see the offerer's checks arrive from a socket that was not advertised (prflx).
    const types = (bot: string): Set<string> => new Set(rec.samples.filter((x) => x.metric === 'webrtc_ice_candidate_type' && x.meta?.bot === bot).map((x) => x.tags.candidate ?? ''));
    expect([...types('b1'), ...types('b2')].every((t) => t === 'host' || t === 'prflx')).toBe(true);
    expect(types('b1').has('host') || types('b2').has('host')).toBe(true);
    const rtt = rec.samples.find((x) => x.metric === 'webrtc_rtt_ms');
    expect(rtt?.time).toBeGreaterThan(Date.now());
    expect(rec.states.filter((x) => x.state === 'left').map((x) => x.id).sort()).toEqual(['b1', 'b2']);
    expect(rec.samples.some((x) => x.metric === 'agent_cpu_cores')).toBe(true);
  }, 60_000);

  it('a page bot opens target.url first, runs its init script before the page, and fails when joinedWhen never holds although every step finished', async () => {
    const controller = new AbortController();
    const target: AssignedTarget = {
      kind: 'page',
      url: `${server.url}/room.html?room={room}&bot={bot}`,
      initScript: "window.jltSeenBeforeLoad = document.readyState + ':' + '{index}';",
      // The first step runs on target.url (never on about:blank) and sees the init script's global.
      steps: [{ evaluate: "location.pathname === '/room.html' && window.jltSeenBeforeLoad === 'loading:0' || Promise.reject(new Error(location.href + ' ' + window.jltSeenBeforeLoad))" }],
      // Alone in its room, the bot never connects: the app has not let it in.
      joinedWhen: { selector: 'body[data-state="connected"]', state: 'attached' },
    };
    const { share: s, rec } = share([planned('alone', 'room-alone', 0)], target, controller.signal, { joinPolicy: { timeoutMs: 4_000, retries: 0, retryDelayMs: 0 } });
    try {
      await s.prepare();
      s.start(Date.now(), Number.POSITIVE_INFINITY);
      await until(() => rec.states.some((x) => x.state === 'failed'), 30_000, () => `the bot to fail; seen: ${JSON.stringify(rec.events.map((e) => e.message))}`);
    } finally {
      await s.stop('test end');
    }
    const failure = rec.events.find((e) => e.kind === 'bot.join_failed');
    expect(failure?.meta?.detail).toBe('not joined: joinedWhen (selector "body[data-state=\\"connected\\"]" attached) did not hold before the join timeout');
    expect(value(rec, 'bot_join_success', 'alone')).toEqual([0]);
    expect((await s.outcomes)[0]).toMatchObject({ id: 'alone', state: 'failed', joined: false });
  }, 60_000);

  it("a waitFor step's own timeout ends the attempt, not the join timeout", async () => {
    const controller = new AbortController();
    const target: AssignedTarget = {
      kind: 'page',
      url: `${server.url}/room.html?room={room}&bot={bot}`,
      steps: [{ waitFor: { selector: '#never', timeout: 700 } }],
      joinedWhen: { remoteMedia: 'any' },
    };
    const { share: s, rec } = share([planned('w1', 'room-w', 0)], target, controller.signal, { joinPolicy: { timeoutMs: 30_000, retries: 0, retryDelayMs: 0 } });
    let failedAfterMs = Number.NaN;
    try {
      await s.prepare();
      const startedAt = Date.now();
      s.start(startedAt, Number.POSITIVE_INFINITY);
      await until(() => rec.states.some((x) => x.state === 'failed'), 30_000, () => `the bot to fail; seen: ${JSON.stringify(rec.events.map((e) => e.message))}`);
      failedAfterMs = Date.now() - startedAt;
    } finally {
      await s.stop('test end');
    }
    expect(rec.events.find((e) => e.kind === 'bot.join_failed')?.meta?.detail).toMatch(/^step 1 \(waitFor\) failed: .*Timeout 700ms exceeded/);
    expect(failedAfterMs).toBeLessThan(15_000);
  }, 60_000);

  it('joins a Jitsi-like page through prejoin, tags the bridge from APP.conference and hangs up on leave (drained stats)', async () => {
    const controller = new AbortController();
    const { share: s, rec } = share([planned('r1', 'room-b', 0, 'receiver')], { kind: 'jitsi', url: `${server.url}/meet`, prejoin: true }, controller.signal, { probeDelivery: 'drain' });
    let fixture: { config: Record<string, unknown>; userInfo: { displayName?: string }; name: string } | undefined;
    try {
      await s.prepare();
      s.start(Date.now(), Number.POSITIVE_INFINITY);
      await until(() => rec.states.some((x) => x.state === 'joined') && value(rec, 'webrtc_recv_kbps', 'r1').some((v) => v > 0), 40_000, 'joined with stats');
      fixture = await s.bot('r1')?.page?.evaluate(() => (window as unknown as { fixture: typeof fixture }).fixture);
    } finally {
      await s.stop('test end');
    }
    expect(fixture?.config).toMatchObject({ startWithVideoMuted: true, startWithAudioMuted: true });
    expect(fixture?.userInfo.displayName).toBe('r1');
    expect(fixture?.name).toBe('r1');
    expect(server.hangups).toContain('r1');
    expect(rec.samples.filter((x) => x.metric === 'webrtc_recv_kbps').every((x) => x.tags.bridge === '127.0.0.1')).toBe(true);
    expect(rec.events.find((e) => e.kind === 'bot.joined')?.tags).toMatchObject({ bridge: '127.0.0.1', conference: 'room-b' });
    expect((await s.outcomes)[0]).toMatchObject({ id: 'r1', state: 'left', joined: true, attempts: 1 });
    expect(s.bot('r1')?.state).toBe('left');
  }, 60_000);

  it('a page that never joins times out with a failure event and a screenshot, retried per policy', async () => {
    const controller = new AbortController();
    const { share: s, rec } = share([planned('x1', 'room-c', 0)], { kind: 'jitsi', url: `${server.url}/stuck`, prejoin: true }, controller.signal, {
      joinPolicy: { timeoutMs: 3_000, retries: 1, retryDelayMs: 200 },
    });
    try {
      await s.prepare();
      s.start(Date.now(), Number.POSITIVE_INFINITY);
      await until(() => rec.states.some((x) => x.state === 'failed'), 30_000, 'the bot to fail');
    } finally {
      await s.stop('test end');
    }
    const failures = rec.events.filter((e) => e.kind === 'bot.join_failed');
    expect(failures.map((e) => [e.level, e.meta?.reason, e.meta?.attempt])).toEqual([
      ['warn', 'timeout', 1],
      ['error', 'timeout', 2],
    ]);
    for (const f of failures) expect((await stat(String(f.meta?.screenshot))).size).toBeGreaterThan(1000);
    expect(value(rec, 'bot_join_success', 'x1')).toEqual([0, 0]);
    expect((await s.outcomes)[0]).toMatchObject({ id: 'x1', state: 'failed', joined: false, attempts: 2 });
  }, 60_000);

  it('bots added during the run join; aborting the signal makes every bot leave, including one still waiting to start', async () => {
    const controller = new AbortController();
    const target: AssignedTarget = { kind: 'jitsi', url: `${server.url}/meet`, prejoin: true };
    const { share: s, rec } = share([planned('m1', 'room-d', 0, 'receiver', 0), planned('m2', 'room-d', 1, 'receiver', 0), planned('late', 'room-d', 2, 'receiver', 600_000)], target, controller.signal);
    await s.prepare();
    s.start(Date.now(), Number.POSITIVE_INFINITY);
    await until(() => rec.states.filter((x) => x.state === 'joined').length >= 2, 40_000, 'both joined');
    s.addBots([planned('added', 'room-d', 3, 'receiver', 0)]);
    await until(() => rec.states.some((x) => x.id === 'added' && x.state === 'joined'), 30_000, 'the added bot joined');
    controller.abort();
    const outcomes = await s.outcomes;
    expect(outcomes.map((o) => [o.id, o.state])).toEqual([
      ['m1', 'left'],
      ['m2', 'left'],
      ['late', 'not-started'],
      ['added', 'left'],
    ]);
    expect(rec.states.filter((x) => x.state === 'left').map((x) => x.id).sort()).toEqual(['added', 'm1', 'm2']);
    expect(s.activeBots()).toBe(0);
  }, 60_000);

  it('a crashed page is reported and the bot restarted, up to the limit', async () => {
    const controller = new AbortController();
    const { share: s, rec } = share([planned('k1', 'room-e', 0, 'receiver', 0)], { kind: 'jitsi', url: `${server.url}/meet`, prejoin: true }, controller.signal, { maxRestarts: 1 });
    const joins = (): number => rec.states.filter((x) => x.state === 'joined').length;
    const crash = async (): Promise<void> => {
      await s.bot('k1')?.page?.goto('chrome://crash', { timeout: 5_000 }).catch(() => undefined);
    };
    try {
      await s.prepare();
      s.start(Date.now(), Number.POSITIVE_INFINITY);
      await until(() => joins() === 1, 30_000, 'first join');
      await crash();
      await until(() => joins() === 2, 30_000, () => `rejoin after the crash; seen: ${JSON.stringify(rec.events.map((e) => e.message))}`);
      await crash();
      await until(() => rec.events.some((e) => e.kind === 'bot.gave_up'), 30_000, () => `giving up; seen: ${JSON.stringify(rec.events.map((e) => e.message))}`);
    } finally {
      await s.stop('test end');
    }
    expect(rec.events.filter((e) => e.kind === 'bot.crashed')).toHaveLength(2);
    expect(rec.events.filter((e) => e.kind === 'bot.restarted')).toHaveLength(1);
    expect((await s.outcomes)[0]).toMatchObject({ id: 'k1', state: 'crashed', joined: true, restarts: 1 });
  }, 60_000);
});
