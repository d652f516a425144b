import type { METRICS} from '@jlt/core';
import { type Sample, type Tags } from '@jlt/core';
import type { BotStatsSample } from './reduce-stats.js';

const NUMERIC: ReadonlyArray<[keyof BotStatsSample, keyof typeof METRICS]> = [
  ['rttMs', 'webrtc_rtt_ms'],
  ['jitterMs', 'webrtc_jitter_ms'],
  ['sendKbps', 'webrtc_send_kbps'],
  ['recvKbps', 'webrtc_recv_kbps'],
  ['packetLossRatio', 'webrtc_packet_loss_ratio'],
  ['sendFps', 'webrtc_send_fps'],
  ['recvFps', 'webrtc_recv_fps'],
  ['recvFrameHeight', 'webrtc_recv_frame_height'],
  ['recvPlisPerMin', 'webrtc_recv_plis_per_min'],
  ['liteFramesPassedRatio', 'webrtc_lite_frames_passed_ratio'],
];

/** One reduced page sample as jlt Samples: a numeric sample per measured field, counters for reason and candidate type. */
export function botStatsToSamples(stats: BotStatsSample, time: number, tags: Tags, meta: Readonly<Record<string, string | number>>): Sample[] {
  const out: Sample[] = [];
  for (const [field, metric] of NUMERIC) {
    const value = stats[field];
    if (typeof value === 'number' && Number.isFinite(value)) out.push({ metric, value, time, tags, meta });
  }
  if (stats.qualityLimitation !== undefined) {
    out.push({ metric: 'webrtc_quality_limitation', value: 1, time, tags: { ...tags, reason: stats.qualityLimitation }, meta });
  }
  if (stats.candidateType !== undefined) {
    out.push({ metric: 'webrtc_ice_candidate_type', value: 1, time, tags: { ...tags, candidate: stats.candidateType }, meta });
  }
  return out;
}

/** The IP part of `ip:port`, `[v6]:port` or a bare address. */
export function addressHost(address: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed?.[1] !== undefined) return bracketed[1];
  const parts = address.split(':');
  return parts.length === 2 ? (parts[0] ?? address) : address;
}
