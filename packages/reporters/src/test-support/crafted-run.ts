import { mulberry32, type PlacementRecord, type Sample, type Summary } from '@jlt/core';
import { ResultsStore } from '../results-store.js';

/**
 * Writes a results directory shaped like a real testbed run, with known answers: bots join 1 s
 * apart (the warm-up, during which every client value is 10 000, so a comparison that keeps it is
 * caught), then send one sample per second per metric; each bridge is polled every 2 s.
 */
export interface CraftedRun {
  seed: number;
  conferences: number;
  botsPerConference: number;
  /** Bridge ids; bots are spread over them in turn (split conferences when there are several). */
  bridges: string[];
  holdSeconds: number;
  /** Median RTT, ms; per-bot levels and noise are added around it. */
  rttMs: number;
  /** Each bridge's download bitrate per local endpoint, kbps. */
  downloadKbpsPerEndpoint: number;
  /** Threshold results to write into summary.json. */
  thresholds?: Summary['thresholds'];
  /** agent-1's event-loop lag is 180 ms for this long after the warm-up (10 ms otherwise): the
   * saturated-agent insight finds it; without it the run writes no agent health. */
  saturatedAgentSeconds?: number;
  /** run.json's status; default passed. */
  status?: string;
}

export const CRAFTED_START = Date.parse('2026-01-01T10:00:00Z');

export async function writeCraftedRun(dir: string, run: CraftedRun): Promise<void> {
  const random = mulberry32(run.seed);
  const noise = (sd: number): number => sd * (random() + random() + random() - 1.5) * 2;
  const bots = Array.from({ length: run.conferences * run.botsPerConference }, (_, i) => ({
    id: `c${Math.floor(i / run.botsPerConference) + 1}-p${(i % run.botsPerConference) + 1}`,
    conference: `conf-${Math.floor(i / run.botsPerConference) + 1}`,
    bridge: run.bridges[i % run.bridges.length]!,
    joinedAt: CRAFTED_START + (i + 1) * 1000,
    level: noise(run.rttMs * 0.1),
  }));
  const lastJoin = bots.at(-1)!.joinedAt;
  const rampUpMs = lastJoin - CRAFTED_START;
  const endsAt = lastJoin + run.holdSeconds * 1000;
  const store = await ResultsStore.create(dir, {
    runId: `crafted-${run.seed}`,
    scenario: `crafted-${run.conferences}x${run.botsPerConference}`,
    status: run.status ?? 'passed',
    startedAt: new Date(CRAFTED_START).toISOString(),
    endedAt: new Date(endsAt + 500).toISOString(),
    plan: { bots: bots.length, conferences: run.conferences, rampUpMs, holdMs: run.holdSeconds * 1000 },
    thresholds: (run.thresholds ?? []).map((t) => `${t.key}: ${t.expression}`),
    target: { kind: 'testbed', bridges: run.bridges.map((id) => ({ id })) },
  });
  const samples: Sample[] = [];
  const placement: PlacementRecord[] = [];
  for (const bot of bots) {
    const tags = { scenario: 'crafted', agent: 'agent-1', conference: bot.conference, bridge: bot.bridge };
    const meta = { bot: bot.id };
    samples.push({ metric: 'bot_join_success', value: 1, time: bot.joinedAt, tags, meta });
    samples.push({ metric: 'bot_join_time_ms', value: 1500 + noise(200), time: bot.joinedAt, tags, meta });
    for (let t = bot.joinedAt + 1000; t <= endsAt; t += 1000) {
      const warmUp = t <= lastJoin;
      samples.push({ metric: 'webrtc_rtt_ms', value: warmUp ? 10_000 : Math.max(0.5, run.rttMs + bot.level + noise(run.rttMs * 0.2)), time: t, tags, meta });
      samples.push({ metric: 'webrtc_recv_fps', value: warmUp ? 10_000 : 15 + noise(0.5), time: t, tags, meta });
      samples.push({ metric: 'webrtc_quality_limitation', value: 1, time: t, tags: { ...tags, reason: random() < 0.1 ? 'cpu' : 'none' }, meta });
    }
    const relays = run.bridges.filter((b) => b !== bot.bridge);
    placement.push({ time: bot.joinedAt + 500, bridge: bot.bridge, conference: bot.conference, endpoint: `ep-${bot.id}`, source: 'debug', relays });
  }
  if (run.saturatedAgentSeconds !== undefined) {
    const saturatedUntil = lastJoin + run.saturatedAgentSeconds * 1000;
    for (let t = CRAFTED_START; t <= endsAt; t += 1000) {
      const lag = t > lastJoin && t <= saturatedUntil ? 180 : 10;
      samples.push({ metric: 'agent_event_loop_lag_ms', value: lag, time: t, tags: { scenario: 'crafted', agent: 'agent-1' } });
    }
  }
  for (const bridge of run.bridges) {
    for (let t = CRAFTED_START - 2000; t <= endsAt + 1000; t += 2000) {
      const endpoints = bots.filter((b) => b.bridge === bridge && b.joinedAt <= t - 5000).length;
      const tags = { scenario: 'crafted', bridge };
      samples.push({ metric: 'jvb_local_endpoints', value: endpoints, time: t + 11, tags });
      samples.push({ metric: 'jvb_download_kbps', value: Math.max(0, endpoints * run.downloadKbpsPerEndpoint + noise(5)), time: t + 11, tags });
      samples.push({ metric: 'jvb_upload_kbps', value: Math.max(0, endpoints * run.downloadKbpsPerEndpoint * 2 + noise(5)), time: t + 11, tags });
      samples.push({ metric: 'jvb_relay_send_bps', value: run.bridges.length > 1 && endpoints > 0 ? 100_000 + noise(5000) : 0, time: t + 11, tags });
    }
  }
  store.addSamples(samples);
  store.addPlacement(placement);
  await store.updateMeta({ placement: { conferences: run.conferences, splitConferences: run.bridges.length > 1 ? run.conferences : 0, maxSimultaneousSplit: run.bridges.length > 1 ? run.conferences : 0 } });
  if (run.thresholds) {
    const summary: Partial<Summary> = { thresholds: run.thresholds };
    await store.writeJson('summary.json', summary);
  }
  await store.close();
}
