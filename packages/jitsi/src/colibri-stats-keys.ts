/**
 * The top-level keys of a real JVB `2.3.63-g2a4cc2f8` `/colibri/stats` answer with relays enabled
 * (sample `colibri-stats.jvb-2.3.63.relay-enabled.json`, from the systemli exporter tests), each with
 * its JSON type. A JVB-compatible server (the testbed) proves its `/colibri/stats` is complete by
 * serving every one of these keys with this type. `colibri-stats-keys.test.ts` keeps it equal to the sample.
 */
export const COLIBRI_STATS_2_3_63_KEYS = {
  average_participant_stress: 'number',
  bit_rate_download: 'number',
  bit_rate_upload: 'number',
  conferences: 'number',
  current_timestamp: 'string',
  drain: 'boolean',
  dtls_failed_endpoints: 'number',
  endpoints: 'number',
  endpoints_disconnected: 'number',
  endpoints_reconnected: 'number',
  endpoints_sending_audio: 'number',
  endpoints_sending_video: 'number',
  endpoints_with_high_outgoing_loss: 'number',
  endpoints_with_spurious_remb: 'number',
  endpoints_with_suspended_sources: 'number',
  graceful_shutdown: 'boolean',
  healthy: 'boolean',
  inactive_conferences: 'number',
  inactive_endpoints: 'number',
  incoming_loss: 'number',
  largest_conference: 'number',
  local_active_endpoints: 'number',
  local_endpoints: 'number',
  muc_clients_configured: 'number',
  muc_clients_connected: 'number',
  mucs_configured: 'number',
  mucs_joined: 'number',
  num_eps_no_msg_transport_after_delay: 'number',
  num_eps_oversending: 'number',
  num_relays_no_msg_transport_after_delay: 'number',
  octo_conferences: 'number',
  octo_endpoints: 'number',
  octo_receive_bitrate: 'number',
  octo_receive_packet_rate: 'number',
  octo_send_bitrate: 'number',
  octo_send_packet_rate: 'number',
  outgoing_loss: 'number',
  overall_loss: 'number',
  p2p_conferences: 'number',
  packet_rate_download: 'number',
  packet_rate_upload: 'number',
  participants: 'number',
  preemptive_kfr_sent: 'number',
  preemptive_kfr_suppressed: 'number',
  receive_only_endpoints: 'number',
  region: 'string',
  relay_id: 'string',
  rtt_aggregate: 'number',
  shutting_down: 'boolean',
  stress_level: 'number',
  threads: 'number',
  total_bytes_received: 'number',
  total_bytes_received_octo: 'number',
  total_bytes_sent: 'number',
  total_bytes_sent_octo: 'number',
  total_colibri_web_socket_messages_received: 'number',
  total_colibri_web_socket_messages_sent: 'number',
  total_conference_seconds: 'number',
  total_conferences_completed: 'number',
  total_conferences_created: 'number',
  total_data_channel_messages_received: 'number',
  total_data_channel_messages_sent: 'number',
  total_dominant_speaker_changes: 'number',
  total_ice_failed: 'number',
  total_ice_succeeded: 'number',
  total_ice_succeeded_relayed: 'number',
  total_keyframes_received: 'number',
  total_layering_changes_received: 'number',
  total_packets_received: 'number',
  total_packets_received_octo: 'number',
  total_packets_sent: 'number',
  total_packets_sent_octo: 'number',
  total_participants: 'number',
  total_relays: 'number',
  total_video_stream_milliseconds_received: 'number',
  total_visitors: 'number',
  version: 'string',
  visitors: 'number',
} as const satisfies Record<string, JsonTypeName>;

export type JsonTypeName = 'number' | 'string' | 'boolean' | 'object' | 'array' | 'null';

/** The JSON type of a decoded JSON value, distinguishing arrays and null from objects. */
export function jsonTypeOf(value: unknown): JsonTypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'number' || type === 'string' || type === 'boolean') return type;
  return 'object';
}

/** One difference between a payload and a key/type reference such as `COLIBRI_STATS_2_3_63_KEYS`. */
export interface KeyTypeMismatch {
  key: string;
  expected: JsonTypeName;
  /** `missing` when the payload lacks the key. */
  actual: JsonTypeName | 'missing';
}

/** Keys of `reference` that `payload` lacks or serves with another JSON type (extra keys are allowed). */
export function compareKeyTypes(payload: Record<string, unknown>, reference: Readonly<Record<string, JsonTypeName>>): KeyTypeMismatch[] {
  const mismatches: KeyTypeMismatch[] = [];
  for (const [key, expected] of Object.entries(reference)) {
    const actual = Object.hasOwn(payload, key) ? jsonTypeOf(payload[key]) : 'missing';
    if (actual !== expected) mismatches.push({ key, expected, actual });
  }
  return mismatches;
}
