import type { Logger, PlacementRecord, RunEvent } from '@jlt/core';
import { describe, expect, it } from 'vitest';
import type { DebugSnapshot } from './jvb-rest-collector.js';
import { PlacementTracker, type PlacementTrackerOptions } from './placement-tracker.js';

function setup(options: Partial<PlacementTrackerOptions> = {}) {
  const events: RunEvent[] = [];
  const placement: PlacementRecord[] = [];
  const logs: string[] = [];
  const logger: Logger = { log: (level, message) => void logs.push(`${level} ${message}`) };
  const tracker = new PlacementTracker({
    sink: { events: (e) => void events.push(...e), placement: (p) => void placement.push(...p) },
    logger,
    bridgeAddresses: { '127.0.0.1': 'jvb-1', '127.0.0.2': 'jvb-2' },
    mismatchAfterMs: 5_000,
    ...options,
  });
  return { tracker, events, placement, logs };
}

/** A `/debug` snapshot: conference → endpoints on this bridge. */
function snap(bridge: string, time: number, conferences: Record<string, string[]>): DebugSnapshot {
  const records: PlacementRecord[] = Object.entries(conferences).flatMap(([conference, endpoints]) =>
    endpoints.map((endpoint) => ({ time, bridge, conference, endpoint, source: 'debug' as const, relays: [] })),
  );
  return { bridge, time, records };
}

describe('PlacementTracker', () => {
  it('builds debug intervals that close when a bridge stops listing an endpoint', () => {
    const { tracker } = setup();
    tracker.observeDebug(snap('jvb-1', 0, { room1: ['e1', 'e2'] }));
    tracker.observeDebug(snap('jvb-1', 5_000, { room1: ['e1'] }));
    tracker.observeDebug(snap('jvb-1', 10_000, {}));
    expect(tracker.timeline()).toEqual([
      { source: 'debug', bridge: 'jvb-1', conference: 'room1', endpoint: 'e1', from: 0, to: 10_000 },
      { source: 'debug', bridge: 'jvb-1', conference: 'room1', endpoint: 'e2', from: 0, to: 5_000 },
    ]);
  });

  it('tracks conferences split across bridges over time and emits one event per split', () => {
    const { tracker, events } = setup();
    tracker.observeDebug(snap('jvb-1', 0, { a: ['e1', 'e2'], b: ['e5'] }));
    tracker.observeDebug(snap('jvb-2', 100, { a: ['e3'], b: ['e6'] }));
    expect(tracker.currentSplitCount()).toBe(2);
    tracker.observeDebug(snap('jvb-2', 5_100, { a: ['e3'] }));
    expect(tracker.currentSplitCount()).toBe(1);
    tracker.observeDebug(snap('jvb-1', 10_000, {}));
    expect(tracker.currentSplitCount()).toBe(0);
    expect(tracker.splitConferences()).toEqual([
      { conference: 'a', bridges: ['jvb-1', 'jvb-2'], from: 100, to: 10_000 },
      { conference: 'b', bridges: ['jvb-1', 'jvb-2'], from: 100, to: 5_100 },
    ]);
    expect(events.filter((e) => e.kind === 'conference-split').map((e) => e.tags?.conference)).toEqual(['a', 'b']);
    expect(tracker.summary()).toEqual({ conferences: 2, splitConferences: 2, maxSimultaneousSplit: 2, mismatches: 0, unknownBridgeAddresses: [] });
  });

  it.each<{ name: string; bot: { bridge: string; endpoint?: string }; debug: Record<string, Record<string, string[]>>; mismatch: boolean }>([
    {
      name: 'an endpoint whose bot names the bridge /debug lists it on',
      bot: { bridge: '127.0.0.1', endpoint: 'e1' },
      debug: { 'jvb-1': { room: ['e1'] }, 'jvb-2': {} },
      mismatch: false,
    },
    {
      name: 'an endpoint whose bot names another bridge',
      bot: { bridge: '127.0.0.2', endpoint: 'e1' },
      debug: { 'jvb-1': { room: ['e1'] }, 'jvb-2': {} },
      mismatch: true,
    },
    {
      name: 'a bot without endpoint id on a bridge that hosts its conference',
      bot: { bridge: '127.0.0.2' },
      debug: { 'jvb-1': { room: ['e1'] }, 'jvb-2': { room: ['e2'] } },
      mismatch: false,
    },
    {
      name: 'a bot without endpoint id on a bridge that does not host its conference',
      bot: { bridge: '127.0.0.2' },
      debug: { 'jvb-1': { room: ['e1'] }, 'jvb-2': { other: ['e9'] } },
      mismatch: true,
    },
    {
      name: 'an endpoint /debug does not list anywhere yet',
      bot: { bridge: '127.0.0.2', endpoint: 'e7' },
      debug: { 'jvb-1': { room: ['e1'] }, 'jvb-2': {} },
      mismatch: false,
    },
    {
      name: 'a bot naming a bridge id directly',
      bot: { bridge: 'jvb-2', endpoint: 'e1' },
      debug: { 'jvb-1': { room: ['e1'] }, 'jvb-2': {} },
      mismatch: true,
    },
  ])('$name: mismatch=$mismatch only once it outlasts a poll', ({ bot, debug, mismatch }) => {
    const { tracker, events } = setup();
    const poll = (time: number): void => {
      for (const [bridge, conferences] of Object.entries(debug)) tracker.observeDebug(snap(bridge, time, conferences));
    };
    poll(0);
    tracker.observeBot({ time: 1_000, conference: 'room', bot: 'c01-p01', ...bot });
    poll(5_000);
    expect(events.filter((e) => e.kind === 'placement-mismatch')).toHaveLength(0);
    poll(10_000);
    const reported = events.filter((e) => e.kind === 'placement-mismatch');
    expect(reported).toHaveLength(mismatch ? 1 : 0);
    if (mismatch) {
      expect(reported[0]?.message).toMatch(/believes it is on jvb-2, but \/debug places it on jvb-1/);
      expect(reported[0]?.meta).toMatchObject({ bot: 'c01-p01', botBridge: bot.bridge, debugBridges: 'jvb-1' });
      expect(tracker.summary().mismatches).toBe(1);
    }
  });

  it('reports a mismatch resolved when the bot and /debug agree again, and a short disagreement never', () => {
    const { tracker, events } = setup();
    tracker.observeDebug(snap('jvb-1', 0, { room: ['e1'] }));
    tracker.observeBot({ time: 100, conference: 'room', bridge: '127.0.0.2', bot: 'b1', endpoint: 'e1' });
    tracker.observeDebug(snap('jvb-1', 5_000, { room: [] }));
    tracker.observeDebug(snap('jvb-2', 5_001, { room: ['e1'] }));
    expect(events.map((e) => e.kind)).toEqual([]);

    tracker.observeBot({ time: 6_000, conference: 'room', bridge: '127.0.0.1', bot: 'b1', endpoint: 'e1' });
    tracker.observeDebug(snap('jvb-1', 10_000, {}));
    tracker.observeDebug(snap('jvb-2', 10_001, { room: ['e1'] }));
    tracker.observeDebug(snap('jvb-2', 15_001, { room: ['e1'] }));
    tracker.observeBot({ time: 16_000, conference: 'room', bridge: '127.0.0.2', bot: 'b1', endpoint: 'e1' });
    expect(events.map((e) => e.kind)).toEqual(['placement-mismatch', 'placement-mismatch-resolved']);
  });

  it('keeps one belief per bot: learning its endpoint id closes the interval kept under the bot id', () => {
    const { tracker, placement } = setup();
    tracker.observeDebug(snap('jvb-2', 0, { room: ['e1'] }));
    tracker.observeBot({ time: 100, conference: 'room', bridge: '127.0.0.2', bot: 'b1' });
    tracker.observeBot({ time: 900, conference: 'room', bridge: '127.0.0.2', bot: 'b1', endpoint: 'e1' });
    tracker.observeBot({ time: 1_900, conference: 'room', bridge: '127.0.0.2', bot: 'b1', endpoint: 'e1' });
    expect(placement.filter((p) => p.source === 'bot').map((p) => [p.time, p.endpoint])).toEqual([
      [100, 'b1'],
      [900, 'e1'],
    ]);
    expect(tracker.timeline().filter((i) => i.source === 'bot')).toEqual([
      { source: 'bot', bridge: 'jvb-2', conference: 'room', endpoint: 'b1', from: 100, to: 900 },
      { source: 'bot', bridge: 'jvb-2', conference: 'room', endpoint: 'e1', from: 900 },
    ]);
  });

  it('records bot beliefs from client samples only when they change, and flags unknown addresses once', () => {
    const { tracker, placement, logs } = setup();
    const sample = (time: number, bridge: string) => ({ metric: 'webrtc_rtt_ms', value: 20, time, tags: { conference: 'room', bridge }, meta: { bot: 'b1' } });
    tracker.observeBotSamples([
      sample(1, '127.0.0.1'),
      sample(2, '127.0.0.1'),
      sample(3, 'unknown'),
      { metric: 'x', value: 1, time: 4, tags: { bridge: '127.0.0.1' } },
      sample(5, '10.9.9.9'),
      sample(6, '10.9.9.9'),
    ]);
    expect(placement).toEqual([
      { time: 1, bridge: 'jvb-1', conference: 'room', endpoint: 'b1', source: 'bot' },
      { time: 5, bridge: '10.9.9.9', conference: 'room', endpoint: 'b1', source: 'bot' },
    ]);
    expect(tracker.timeline().filter((i) => i.source === 'bot')).toEqual([
      { source: 'bot', bridge: 'jvb-1', conference: 'room', endpoint: 'b1', from: 1, to: 5 },
      { source: 'bot', bridge: '10.9.9.9', conference: 'room', endpoint: 'b1', from: 5 },
    ]);
    expect(tracker.summary().unknownBridgeAddresses).toEqual(['10.9.9.9']);
    expect(logs.filter((l) => l.includes('10.9.9.9'))).toHaveLength(1);
  });

  it('does not warn about bridge addresses when the target has no bridges (a page target)', () => {
    const { tracker, logs, placement } = setup({ bridgeAddresses: {} });
    tracker.observeBotSamples([{ metric: 'webrtc_rtt_ms', value: 20, time: 1, tags: { conference: 'page-01', bridge: '127.0.0.1' }, meta: { bot: 'c01-p01' } }]);
    expect(placement).toEqual([{ time: 1, bridge: '127.0.0.1', conference: 'page-01', endpoint: 'c01-p01', source: 'bot' }]);
    expect(logs).toEqual([]);
    expect(tracker.summary().unknownBridgeAddresses).toEqual([]);
  });
});
