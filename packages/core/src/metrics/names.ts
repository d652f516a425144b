import type { MetricType } from './sample.js';

export interface MetricInfo {
  type: MetricType;
  unit: 'ms' | 'kbps' | 'bps' | 'ratio' | 'fps' | 'px' | 'bytes' | 'cores' | 'count' | 'packets/s' | '';
  description: string;
  /** Tags this metric carries beyond the common ones. */
  tags?: readonly string[];
}

/** Every metric name jlt emits. Outputs and thresholds may refer to names outside this list
 * (custom Prometheus queries), but built-in producers emit only these. */
export const METRICS = {
  bot_join_time_ms: { type: 'trend', unit: 'ms', description: 'Time from page navigation to joined conference' },
  bot_join_success: { type: 'rate', unit: '', description: 'Share of join attempts that succeeded' },
  webrtc_rtt_ms: { type: 'trend', unit: 'ms', description: 'Round-trip time to the bridge (ICE candidate pair)' },
  webrtc_jitter_ms: { type: 'trend', unit: 'ms', description: 'Inbound RTP jitter' },
  webrtc_send_kbps: { type: 'trend', unit: 'kbps', description: 'Outbound media bitrate' },
  webrtc_recv_kbps: { type: 'trend', unit: 'kbps', description: 'Inbound media bitrate' },
  webrtc_packet_loss_ratio: { type: 'trend', unit: 'ratio', description: 'Inbound packets lost / expected over the interval' },
  webrtc_send_fps: { type: 'trend', unit: 'fps', description: 'Outbound video frames per second' },
  webrtc_recv_fps: { type: 'trend', unit: 'fps', description: 'Inbound video frames decoded per second' },
  webrtc_recv_frame_height: { type: 'trend', unit: 'px', description: 'Height of received video frames' },
  webrtc_recv_plis_per_min: { type: 'trend', unit: 'count', description: 'Keyframe requests (PLI) a bot sent per minute over its inbound video' },
  webrtc_lite_frames_passed_ratio: {
    type: 'trend',
    unit: 'ratio',
    description: "A lite bot's share of arrived video frames its decoder got as they came (0: every frame replaced by a placeholder, nothing real decoded)",
  },
  webrtc_quality_limitation: {
    type: 'counter',
    unit: 'count',
    description: 'Samples per outbound quality limitation reason',
    tags: ['reason'],
  },
  webrtc_ice_candidate_type: {
    type: 'counter',
    unit: 'count',
    description: 'Samples per selected remote ICE candidate type',
    tags: ['candidate'],
  },
  page_web_vitals_ms: {
    type: 'trend',
    unit: 'ms',
    description: "Web vitals of the bot's page from Faro (fcp, lcp, ttfb, inp)",
    tags: ['vital'],
  },
  page_layout_shift: { type: 'trend', unit: '', description: "Cumulative layout shift of the bot's page from Faro" },
  agent_cpu_cores: { type: 'gauge', unit: 'cores', description: 'CPU cores used by an agent and its browsers' },
  agent_memory_bytes: { type: 'gauge', unit: 'bytes', description: 'Memory of an agent and its browsers as summed PSS (a page shared by N processes counts 1/N in each), so the sum is what the agent holds; summed RSS counts shared browser pages once per process' },
  agent_event_loop_lag_ms: { type: 'trend', unit: 'ms', description: 'Event-loop lag of the agent process' },
  jvb_stress: { type: 'gauge', unit: 'ratio', description: 'JVB stress_level (packet rate / threshold)' },
  jvb_download_kbps: { type: 'gauge', unit: 'kbps', description: 'JVB bit_rate_download' },
  jvb_upload_kbps: { type: 'gauge', unit: 'kbps', description: 'JVB bit_rate_upload' },
  jvb_rtt_ms: { type: 'gauge', unit: 'ms', description: 'JVB rtt_aggregate' },
  jvb_local_endpoints: { type: 'gauge', unit: 'count', description: 'JVB local_endpoints' },
  jvb_conferences: { type: 'gauge', unit: 'count', description: 'JVB conferences' },
  jvb_relay_send_bps: { type: 'gauge', unit: 'bps', description: 'JVB octo_send_bitrate (bps)' },
  jvb_relay_recv_bps: { type: 'gauge', unit: 'bps', description: 'JVB octo_receive_bitrate (bps)' },
  jvb_packet_rate_download: { type: 'gauge', unit: 'packets/s', description: 'JVB packet_rate_download' },
  jvb_packet_rate_upload: { type: 'gauge', unit: 'packets/s', description: 'JVB packet_rate_upload' },
  pod_cpu_cores: { type: 'gauge', unit: 'cores', description: 'Bridge pod CPU from Prometheus' },
  pod_memory_bytes: { type: 'gauge', unit: 'bytes', description: 'Bridge pod working-set memory from Prometheus' },
} as const satisfies Record<string, MetricInfo>;

export type MetricName = keyof typeof METRICS;

export function metricInfo(name: string): MetricInfo | undefined {
  return (METRICS as Record<string, MetricInfo>)[name];
}
