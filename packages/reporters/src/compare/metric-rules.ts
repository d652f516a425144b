import type { CentralStatistic } from './difference-test.js';

/**
 * How a comparison reads a metric: which way is better, which statistic the verdict tests, where
 * its row goes, and how a server metric's bridges add up to a total.
 *
 * Server load (stress, bitrate, packet rates, relay traffic, CPU, memory) counts as better when
 * lower: the runs of one comparison carry the same offered load, so a bridge doing less work for it
 * is better off. A lower server bitrate is only good news while the clients' receive bitrate, fps
 * and frame height hold; their rows sit in the same table. Load-generator metrics and counts that
 * describe placement (endpoints, conferences per bridge) have no better side.
 */
export type Better = 'lower' | 'higher' | 'none';
export type MetricSection = 'client' | 'server' | 'load-generator' | 'other';

export interface MetricRule {
  better: Better;
  /** The verdict tests the difference of this statistic: the median for distributions, the mean
   * for rates and for metrics that are mostly zero (packet loss, where the median hides it). */
  statistic: CentralStatistic;
  /** How bridges add up in a server metric's total row: summed, or averaged (stress, RTT). */
  total?: 'sum' | 'mean';
  /** Join metrics describe the warm-up itself, so their rows keep it. */
  keepsWarmUp?: boolean;
}

const RULES: Record<string, MetricRule> = {
  bot_join_time_ms: { better: 'lower', statistic: 'median', keepsWarmUp: true },
  bot_join_success: { better: 'higher', statistic: 'mean', keepsWarmUp: true },
  webrtc_rtt_ms: { better: 'lower', statistic: 'median' },
  webrtc_jitter_ms: { better: 'lower', statistic: 'median' },
  webrtc_send_kbps: { better: 'higher', statistic: 'median' },
  webrtc_recv_kbps: { better: 'higher', statistic: 'median' },
  webrtc_packet_loss_ratio: { better: 'lower', statistic: 'mean' },
  webrtc_send_fps: { better: 'higher', statistic: 'median' },
  webrtc_recv_fps: { better: 'higher', statistic: 'median' },
  webrtc_recv_frame_height: { better: 'higher', statistic: 'median' },
  webrtc_recv_plis_per_min: { better: 'lower', statistic: 'mean' },
  webrtc_lite_frames_passed_ratio: { better: 'none', statistic: 'mean' },
  agent_cpu_cores: { better: 'none', statistic: 'median' },
  agent_memory_bytes: { better: 'none', statistic: 'median' },
  agent_event_loop_lag_ms: { better: 'none', statistic: 'median' },
  jvb_stress: { better: 'lower', statistic: 'median', total: 'mean' },
  jvb_download_kbps: { better: 'lower', statistic: 'median', total: 'sum' },
  jvb_upload_kbps: { better: 'lower', statistic: 'median', total: 'sum' },
  jvb_rtt_ms: { better: 'lower', statistic: 'median', total: 'mean' },
  jvb_local_endpoints: { better: 'none', statistic: 'median', total: 'sum' },
  jvb_conferences: { better: 'none', statistic: 'median', total: 'sum' },
  jvb_relay_send_bps: { better: 'lower', statistic: 'median', total: 'sum' },
  jvb_relay_recv_bps: { better: 'lower', statistic: 'median', total: 'sum' },
  jvb_packet_rate_download: { better: 'lower', statistic: 'median', total: 'sum' },
  jvb_packet_rate_upload: { better: 'lower', statistic: 'median', total: 'sum' },
  pod_cpu_cores: { better: 'lower', statistic: 'median', total: 'sum' },
  pod_memory_bytes: { better: 'lower', statistic: 'median', total: 'sum' },
};

/** Counters whose samples name a category in a tag: compared as the share of samples per category. */
export const CATEGORY_METRICS: Record<string, { tag: string; better: (category: string) => Better }> = {
  webrtc_quality_limitation: { tag: 'reason', better: (reason) => (reason === 'none' ? 'higher' : 'lower') },
  webrtc_ice_candidate_type: { tag: 'candidate', better: () => 'none' },
};

/** The rule of `metric`; metrics jlt does not know (custom Prometheus queries) have no better side. */
export function metricRule(metric: string): MetricRule {
  return RULES[metric] ?? { better: 'none', statistic: 'median', total: 'sum' };
}

export function metricSection(metric: string): MetricSection {
  if (metric.startsWith('webrtc_') || metric.startsWith('bot_')) return 'client';
  if (metric.startsWith('jvb_') || metric.startsWith('pod_')) return 'server';
  if (metric.startsWith('agent_')) return 'load-generator';
  return 'other';
}
