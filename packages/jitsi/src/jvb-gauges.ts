/**
 * The per-bridge gauges jlt records (metric names from `METRICS` in @jlt/core), in jlt's units:
 * bitrates of media in kbps, relay (Octo) bitrates in bps, RTT in ms, packet rates in packets/s,
 * stress as JVB's ratio (0 idle, 1 full capacity, may exceed 1).
 */
export const JVB_GAUGE_NAMES = [
  'jvb_stress',
  'jvb_download_kbps',
  'jvb_upload_kbps',
  'jvb_rtt_ms',
  'jvb_local_endpoints',
  'jvb_conferences',
  'jvb_relay_send_bps',
  'jvb_relay_recv_bps',
  'jvb_packet_rate_download',
  'jvb_packet_rate_upload',
] as const;

export type JvbGaugeName = (typeof JVB_GAUGE_NAMES)[number];

/** Only the gauges the source reported are present; a missing key means "not reported", never 0. */
export type JvbGauges = Partial<Record<JvbGaugeName, number>>;
