import { afterEach, describe, expect, it } from 'vitest';
import type { Insight, PlacementRecord, Sample } from '@jlt/core';
import { openCraftedStore, series, type CraftedStore } from '../test-support/crafted-store.js';
import { computeInsights } from './compute-insights.js';
import { findDisagreements, type PlacementRow } from './placement-disagreement.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const S = 1000;
const disposers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(disposers.splice(0).map((d) => d()));
});

/** The insights of a crafted run that started at T0 and lasted `seconds`. */
async function insightsOf(run: CraftedStore, seconds = 60): Promise<Insight[]> {
  const store = await openCraftedStore({
    ...run,
    meta: { startedAt: new Date(T0).toISOString(), endedAt: new Date(T0 + seconds * S).toISOString(), status: 'passed', ...run.meta },
  });
  disposers.push(() => store.dispose());
  return computeInsights(store.db);
}

const rules = (insights: readonly Insight[]): string[] => insights.map((i) => `${i.rule} ${i.subject ?? ''}`.trim());

describe('saturated-agent (untrustworthy): CPU over 90 % of the cores or event-loop lag p95 over 100 ms in any 10 s', () => {
  const agent = (id: string) => ({ scenario: 's', agent: id });
  const lag = (id: string, value: (i: number) => number): Sample[] => series('agent_event_loop_lag_ms', agent(id), T0, S, 60, value);
  const cpu = (id: string, value: (i: number) => number): Sample[] => series('agent_cpu_cores', agent(id), T0, S, 60, value);

  it('fires on a 10 s stretch of lag, and on a 12 s stretch of CPU at 95 % of the cores', async () => {
    const found = await insightsOf({
      meta: { agents: [{ id: 'a1', cores: 2 }, { id: 'a2', cores: 4 }] },
      samples: [...lag('a1', (i) => (i >= 30 && i < 40 ? 150 : 20)), ...cpu('a1', () => 1), ...lag('a2', () => 10), ...cpu('a2', (i) => (i >= 20 && i < 32 ? 3.8 : 1))],
    });
    expect(rules(found)).toEqual(['saturated-agent a2', 'saturated-agent a1']);
    const [a2, a1] = found as [Insight, Insight];
    expect(a1.severity).toBe('untrustworthy');
    expect(a1.time).toBeLessThanOrEqual(T0 + 30 * S);
    expect(a1.message).toContain('event-loop lag p95 reached 150 ms');
    expect(a2.message).toContain('CPU averaged 3.80 of 4 cores (95 %)');
    expect(a2.time).toBe(T0 + 20 * S);
  });

  it('does not fire at 85 % of the cores, steady lag under 100 ms, or CPU without a known core count', async () => {
    const found = await insightsOf({
      meta: { agents: [{ id: 'a1', cores: 2 }, { id: 'a2' }] },
      samples: [...cpu('a1', () => 1.7), ...lag('a1', (i) => (i % 10 === 0 ? 90 : 60)), ...cpu('a2', () => 64), ...lag('a2', () => 5)],
    });
    expect(found).toEqual([]);
  });
  it('is a warning, not untrustworthy, when the agent was saturated only while its bots were joining', async () => {
    // Bots of a1 join at +0:00 to +0:08 and the lag stalls at +0:03 (browser launches); a2's bots had
    // all joined by +0:08 when its lag stalled at +0:20.
    const joins = (id: string): Sample[] => series('bot_join_success', agent(id), T0, 2 * S, 5, () => 1);
    const stallAt = (at: number) => (i: number) => (i >= at && i < at + 2 ? 300 : 12);
    const found = await insightsOf({
      meta: { agents: [{ id: 'a1', cores: 2 }, { id: 'a2', cores: 2 }] },
      samples: [...joins('a1'), ...lag('a1', stallAt(3)), ...cpu('a1', (i) => (i < 12 ? 1.95 : 0.6)), ...joins('a2'), ...lag('a2', stallAt(20)), ...cpu('a2', () => 0.6)],
    });
    expect(found.map((i) => `${i.rule} ${i.subject} ${i.severity}`)).toEqual(['saturated-agent a2 untrustworthy', 'saturated-agent a1 warning']);
    const a1 = found[1]!;
    expect(a1.message).toMatch(/^agent a1 was saturated while its bots were joining \(\+0:00 to \+0:08\): event-loop lag p95 reached 300 ms .*CPU averaged 1\.95 of 2 cores/);
    expect(found[0]!.message).toContain('saturated from +0:11');
  });
});

describe('server-memory-retained (warning): memory after the last conference above the pre-run level by 50 MB and 10 %', () => {
  const bridge = (id: string, conferencesUntil: number, memory: (t: number) => number): Sample[] => [
    ...series('jvb_conferences', { bridge: id }, T0, 2 * S, 30, (_i, t) => (t >= T0 + 10 * S && t < T0 + conferencesUntil * S ? 1 : 0)),
    ...series('pod_memory_bytes', { bridge: id }, T0, 5 * S, 12, (_i, t) => memory(t)),
  ];
  const profile = (after: number) => (t: number) => (t < T0 + 10 * S ? 500e6 : t < T0 + 40 * S ? 800e6 : after);

  it('fires for a bridge that kept 200 MB, not for one back near its start or one still busy at the end', async () => {
    const found = await insightsOf({ samples: [...bridge('jvb-1', 40, profile(700e6)), ...bridge('jvb-2', 40, profile(520e6)), ...bridge('jvb-3', 99, profile(900e6))] });
    expect(rules(found)).toEqual(['server-memory-retained jvb-1']);
    expect(found[0]!.message).toContain('kept 200 MB more memory');
    expect(found[0]!.message).toContain('700 MB against 500 MB (+40 %');
    expect(found[0]!.time).toBe(T0 + 40 * S);
  });
});

describe('resolution-drop (warning): median received height per 10 s falls to 75 % or less while the conference grows', () => {
  const bots = (conference: string, ids: readonly string[], from: number, seconds: number, height: number): Sample[] =>
    ids.flatMap((bot) => series('webrtc_recv_frame_height', { conference }, T0 + from * S, S, seconds, () => height, { bot }));
  const few = ['b1', 'b2', 'b3'];
  const many = [...few, 'b4', 'b5', 'b6', 'b7', 'b8', 'b9', 'b10'];

  it('fires when 720p becomes 360p as three bots become ten, and names the lowest height reached', async () => {
    const found = await insightsOf({ samples: [...bots('c1', few, 0, 20, 720), ...bots('c1', many, 20, 20, 360), ...bots('c1', many, 40, 20, 180)] });
    expect(rules(found)).toEqual(['resolution-drop c1']);
    expect(found[0]!.message).toContain('fell from 720 px to 360 px at +0:20 as it grew from 3 to 10 receiving bots, down to 180 px at +0:40');
  });

  it('does not fire for a drop without growth, or a growth with a small drop', async () => {
    const found = await insightsOf({ samples: [...bots('c2', few, 0, 20, 720), ...bots('c2', few, 20, 20, 360), ...bots('c3', few, 0, 20, 720), ...bots('c3', many, 20, 20, 600)] });
    expect(found).toEqual([]);
  });
});

describe('relay-cost (info; warning above +50 % and +20 ms): RTT of bots in split against unsplit conferences per bridge', () => {
  const debug = (conference: string, bridge: string, endpoint: string): PlacementRecord => ({ time: T0 + 5 * S, bridge, conference, endpoint, source: 'debug' });
  const placement = [debug('split', 'jvb-1', 'e1'), debug('split', 'jvb-2', 'e2'), debug('whole', 'jvb-1', 'e3')];
  const rtt = (conference: string, bridge: string, ms: number): Sample[] => series('webrtc_rtt_ms', { conference, bridge, agent: 'a1' }, T0, S, 40, () => ms, { bot: `${conference}-${bridge}` });

  it('warns when split conferences cost 40 ms more on a bridge that also hosts unsplit ones', async () => {
    const found = await insightsOf({ placement, samples: [...rtt('split', 'jvb-1', 60), ...rtt('whole', 'jvb-1', 20), ...rtt('split', 'jvb-2', 80)] });
    expect(rules(found)).toEqual(['relay-cost jvb-1']);
    expect(found[0]!.severity).toBe('warning');
    expect(found[0]!.message).toContain('median RTT of 60 ms against 20 ms in unsplit ones (+40 ms, +200 %');
  });

  it('is context only for a small difference, and silent without both kinds of conference', async () => {
    const small = await insightsOf({ placement, samples: [...rtt('split', 'jvb-1', 22), ...rtt('whole', 'jvb-1', 20)] });
    expect(small.map((i) => [i.rule, i.severity])).toEqual([['relay-cost', 'info']]);
    expect(await insightsOf({ placement, samples: rtt('split', 'jvb-1', 90) })).toEqual([]);
  });
});

describe('placement-disagreement (warning): a bot and /debug disagree about an endpoint for 5 s or more', () => {
  const record = (time: number, source: 'debug' | 'bot', endpoint: string, bridge: string): PlacementRecord => ({ time: T0 + time * S, bridge, conference: 'c1', endpoint, source });
  const polls = (endpoint: string, from: number, to: number, bridge: string): PlacementRecord[] => {
    const out: PlacementRecord[] = [];
    for (let t = from; t <= to; t += 2) out.push(record(t, 'debug', endpoint, bridge));
    return out;
  };

  it('fires for 10 s of disagreement and names the endpoint, its bot and both bridges', async () => {
    const found = await insightsOf({
      placement: [record(1, 'bot', 'e1', 'jvb-1'), ...polls('e1', 2, 12, 'jvb-2'), ...polls('e1', 14, 20, 'jvb-1')],
      samples: [{ metric: 'bot_join_time_ms', value: 900, time: T0, tags: { conference: 'c1' }, meta: { bot: 'c01-p01', endpoint: 'e1' } }],
    });
    expect(rules(found)).toEqual(['placement-disagreement c1']);
    expect(found[0]!.message).toBe('endpoint e1 (bot c01-p01) in c1: the bot reported jvb-1 while /debug listed it on jvb-2, from +0:02 for 10 s.');
  });

  it('does not fire for one disagreeing poll, nor for endpoints the bots never named', async () => {
    const found = await insightsOf({ placement: [record(1, 'bot', 'e2', 'jvb-1'), ...polls('e2', 2, 2, 'jvb-2'), ...polls('e2', 4, 20, 'jvb-1'), ...polls('e3', 2, 20, 'jvb-2')] });
    expect(found).toEqual([]);
  });

  it('ends a stretch at the first agreeing observation and starts a new one when they part again', () => {
    const row = (time: number, source: 'debug' | 'bot', bridge: string): PlacementRow => ({ time, bridge, conference: 'c', endpoint: 'e', source, relays: null });
    const rows = [row(0, 'bot', 'a'), row(1, 'debug', 'b'), row(7, 'debug', 'b'), row(8, 'debug', 'a'), row(9, 'bot', 'c'), row(10, 'debug', 'a'), row(20, 'debug', 'a')].map((r) => ({ ...r, time: r.time * S }));
    expect(findDisagreements(rows).map((d) => [d.botBridge, d.debugBridge, d.from / S, d.to / S])).toEqual([
      ['a', 'b', 1, 7],
      ['c', 'a', 10, 20],
    ]);
  });
});

describe('collector-gap (warning): a server series more than 3 of its intervals without a sample', () => {
  const polls = (bridge: string, times: readonly number[]): Sample[] => times.flatMap((t) => ['jvb_stress', 'jvb_conferences'].map((metric) => ({ metric, value: 0, time: T0 + t * S, tags: { bridge } })));
  const every = (step: number, from: number, to: number, skip: (t: number) => boolean = () => false): number[] => {
    const out: number[] = [];
    for (let t = from; t <= to; t += step) if (!skip(t)) out.push(t);
    return out;
  };

  it('fires for a 10 s hole in 2 s polls and for a bridge that stopped answering 20 s before the end', async () => {
    const found = await insightsOf({
      samples: [...polls('jvb-1', every(2, 0, 60, (t) => t > 20 && t < 30)), ...polls('jvb-2', every(2, 0, 40)), ...polls('jvb-3', every(2, 0, 60))],
    });
    expect(rules(found)).toEqual(['collector-gap jvb-1', 'collector-gap jvb-2']);
    expect(found[0]!.message).toBe('jvb-1 /colibri/stats: 1 gap longer than 3 intervals of 2 s; the longest lasted 10 s from +0:20.');
    expect(found[1]!.message).toBe('jvb-2 /colibri/stats: 1 gap longer than 3 intervals of 2 s; the longest lasted 20 s from +0:40.');
  });

  it('does not fire for regular polls, a 6 s hole in 2 s polls, or 15 s Prometheus steps', async () => {
    const found = await insightsOf({
      samples: [...polls('jvb-1', every(2, 0, 60, (t) => t === 30 || t === 32)), ...series('pod_cpu_cores', { bridge: 'jvb-1' }, T0, 15 * S, 5, () => 1)],
    });
    expect(found).toEqual([]);
  });
});

describe('computeInsights', () => {
  it('finds nothing in an empty store', async () => {
    expect(await insightsOf({})).toEqual([]);
  });

  it('orders the most severe first, then by time', async () => {
    const found = await insightsOf({
      meta: { agents: [{ id: 'a1', cores: 1 }] },
      samples: [
        ...series('agent_cpu_cores', { agent: 'a1' }, T0 + 30 * S, S, 20, () => 1),
        ...series('jvb_stress', { bridge: 'jvb-1' }, T0, 2 * S, 5, () => 0),
        ...series('jvb_stress', { bridge: 'jvb-1' }, T0 + 40 * S, 2 * S, 10, () => 0),
      ],
    });
    expect(found.map((i) => i.severity)).toEqual(['untrustworthy', 'warning']);
  });
});

describe('oversubscribed-agent (warning): an agent given more bots than its cores fit', () => {
  const oversubscribed = { time: T0 + 2 * S, kind: 'agent-oversubscribed', level: 'warn', message: 'agent agent-1 (vm) runs 10 bots but its 2 cores fit 6', tags: { agent: 'agent-1' }, meta: { bots: 10, fits: 6 } } as const;
  const connected = { time: T0 + S, kind: 'agent-connected', level: 'info', message: 'agent-2 connected', tags: { agent: 'agent-2' } } as const;

  it('warns about every oversubscribed agent', async () => {
    const found = await insightsOf({ events: [connected, oversubscribed], samples: series('bot_join_success', { scenario: 's' }, T0, S, 10, () => 1) });
    expect(found).toEqual([{ rule: 'oversubscribed-agent', severity: 'warning', message: oversubscribed.message, subject: 'agent-1', time: T0 + 2 * S }]);
  });

  it('warns also in a run that ended before its first sample', async () => {
    const store = await openCraftedStore({ events: [connected, oversubscribed] });
    disposers.push(() => store.dispose());
    expect(rules(await computeInsights(store.db))).toEqual(['oversubscribed-agent agent-1']);
  });

  it('finds nothing in a run whose agents had room', async () => {
    expect(await insightsOf({ events: [connected], samples: series('bot_join_success', { scenario: 's' }, T0, S, 10, () => 1) })).toEqual([]);
  });
});
