import { z } from 'zod';
import type { JvbGauges } from './jvb-gauges.js';
import { parsePayload } from './payload.js';

/*
 * JVB `GET /colibri/stats` (private HTTP port, 8080 by default; needs `videobridge.apis.rest.enabled`,
 * docker `COLIBRI_REST_ENABLED=true`). Keys are flat JSON numbers, booleans and strings
 * (`VideobridgeStatisticsShim.getStats()`). Every key is optional because JVB versions differ and some
 * keys are conditional (`relay_id` only with relays enabled, `region`/`release` only when configured,
 * `threads` only with JVM stats); unknown keys pass through untouched. A known key with the wrong JSON
 * type is an error naming that key.
 */

const num = z.number();
const bool = z.boolean();
const str = z.string();

/** Keys emitted by current JVB (2.3.x, 2025–2026 builds). */
const currentShape = {
  incoming_loss: num,
  outgoing_loss: num,
  overall_loss: num,
  endpoints_with_high_outgoing_loss: num,
  tcc_unmatched_feedback: num,
  local_active_endpoints: num,
  /** Incoming RTP/RTCP bitrate in **kbps** (JVB divides its bps gauge by 1000). */
  bit_rate_download: num,
  /** Outgoing bitrate in **kbps**. */
  bit_rate_upload: num,
  packet_rate_download: num,
  packet_rate_upload: num,
  /** Mean RTCP RTT over local endpoints with RTT > 0, in ms. */
  rtt_aggregate: num,
  num_eps_oversending: num,
  octo_conferences: num,
  inactive_conferences: num,
  p2p_conferences: num,
  /** Current endpoints including relayed (Octo) ones. */
  endpoints: num,
  /** Same value as `endpoints` (deprecated name). */
  participants: num,
  receive_only_endpoints: num,
  inactive_endpoints: num,
  octo_endpoints: num,
  endpoints_sending_audio: num,
  endpoints_sending_video: num,
  largest_conference: num,
  /** Relay incoming bitrate in **bps** (JVB code; the javadoc and the exporter's HELP wrongly say kbps). */
  octo_receive_bitrate: num,
  octo_receive_packet_rate: num,
  /** Relay outgoing bitrate in **bps**. */
  octo_send_bitrate: num,
  octo_send_packet_rate: num,
  endpoints_with_suspended_sources: num,
  total_conferences_created: num,
  total_conferences_completed: num,
  total_conference_seconds: num,
  total_participants: num,
  total_visitors: num,
  num_eps_no_msg_transport_after_delay: num,
  total_relays: num,
  num_relays_no_msg_transport_after_delay: num,
  total_keyframes_received: num,
  total_layering_changes_received: num,
  total_video_stream_milliseconds_received: num,
  /** 0 idle, 1 full capacity, may exceed 1; resampled every 10 s. */
  stress_level: num,
  conferences: num,
  visitors: num,
  /** Current local (non-relayed) endpoints: "participants on this bridge". */
  local_endpoints: num,
  total_data_channel_messages_received: num,
  total_data_channel_messages_sent: num,
  total_colibri_web_socket_messages_received: num,
  total_colibri_web_socket_messages_sent: num,
  total_bytes_received: num,
  total_bytes_sent: num,
  endpoints_ice_failed: num,
  dtls_failed_endpoints: num,
  relays_ice_failed: num,
  dtls_failed_relays: num,
  total_packets_received: num,
  total_packets_sent: num,
  total_bytes_received_octo: num,
  total_bytes_sent_octo: num,
  total_packets_received_octo: num,
  total_packets_sent_octo: num,
  total_dominant_speaker_changes: num,
  preemptive_kfr_sent: num,
  preemptive_kfr_suppressed: num,
  total_ice_failed: num,
  total_ice_succeeded: num,
  total_ice_succeeded_relayed: num,
  average_participant_stress: num,
  threads: num,
  graceful_shutdown: bool,
  shutting_down: bool,
  drain: bool,
  /** UTC, `yyyy-MM-dd HH:mm:ss.SSS`. */
  current_timestamp: str,
  relay_id: str,
  muc_clients_configured: num,
  muc_clients_connected: num,
  mucs_configured: num,
  mucs_joined: num,
  endpoints_with_spurious_remb: num,
  healthy: bool,
  endpoints_disconnected: num,
  endpoints_reconnected: num,
  version: str,
  release: str,
  region: str,
};

/** Keys only older JVBs emitted (still listed in old docs and read by the exporter, which reports 0 for them). */
const legacyShape = {
  jitter_aggregate: num,
  loss_rate_download: num,
  loss_rate_upload: num,
  rtp_loss: num,
  audiochannels: num,
  videochannels: num,
  videostreams: num,
  conference_sizes: z.array(num),
  conferences_by_audio_senders: z.array(num),
  conferences_by_video_senders: z.array(num),
  cpu_usage: num,
  used_memory: num,
  total_memory: num,
  octo_version: num,
  total_failed_conferences: num,
  total_partially_failed_conferences: num,
  total_loss_controlled_participant_seconds: num,
  total_loss_limited_participant_seconds: num,
  total_loss_degraded_participant_seconds: num,
  total_packets_dropped_octo: num,
  total_ice_succeeded_tcp: num,
};

function allOptional<T extends Record<string, z.ZodType>>(shape: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(shape).map(([key, schema]) => [key, schema.optional()])) as {
    [K in keyof T]: z.ZodOptional<T[K]>;
  };
}

export const ColibriStatsSchema = z.looseObject({ ...allOptional(currentShape), ...allOptional(legacyShape) });

/** A parsed `/colibri/stats` payload. Unknown keys are kept (typed `unknown`). */
export type ColibriStats = z.output<typeof ColibriStatsSchema>;

/** Every top-level key the schema knows, current and legacy. */
export const COLIBRI_STATS_KNOWN_KEYS: ReadonlySet<string> = new Set(Object.keys(ColibriStatsSchema.shape));

/** Validates a decoded `/colibri/stats` body; `source` (usually the URL) appears in the error. */
export function parseColibriStats(value: unknown, source = 'JVB /colibri/stats'): ColibriStats {
  return parsePayload(ColibriStatsSchema, value, source);
}

/**
 * The jlt gauges in jlt's units. JVB's JSON already carries `bit_rate_*` in kbps and the relay bitrates
 * in bps; every JVB that reports relay bitrates in this JSON names them `octo_*_bitrate` (the native
 * Prometheus names `relay_*_bitrate` never appear here), so those are the keys read.
 */
export function jvbGauges(stats: ColibriStats): JvbGauges {
  const gauges: JvbGauges = {};
  const put = (name: keyof JvbGauges, value: number | undefined): void => {
    if (value !== undefined && Number.isFinite(value)) gauges[name] = value;
  };
  put('jvb_stress', stats.stress_level);
  put('jvb_download_kbps', stats.bit_rate_download);
  put('jvb_upload_kbps', stats.bit_rate_upload);
  put('jvb_rtt_ms', stats.rtt_aggregate);
  put('jvb_local_endpoints', localEndpoints(stats));
  put('jvb_conferences', stats.conferences);
  put('jvb_relay_send_bps', stats.octo_send_bitrate);
  put('jvb_relay_recv_bps', stats.octo_receive_bitrate);
  put('jvb_packet_rate_download', stats.packet_rate_download);
  put('jvb_packet_rate_upload', stats.packet_rate_upload);
  return gauges;
}

/**
 * Endpoints connected to this bridge itself. JVBs that predate `local_endpoints` (the 2019 sample)
 * report every endpoint of their conferences as `participants` (later also `endpoints`), relayed ones
 * included, and the relayed ones as `octo_endpoints`, so the local count is their difference.
 */
function localEndpoints(stats: ColibriStats): number | undefined {
  if (stats.local_endpoints !== undefined) return stats.local_endpoints;
  const all = stats.endpoints ?? stats.participants;
  return all === undefined ? undefined : all - (stats.octo_endpoints ?? 0);
}
