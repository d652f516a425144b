import type { BridgeStatsSnapshot } from './bridge-stats.js';

/** JVB's `current_timestamp` format: UTC `yyyy-MM-dd HH:mm:ss.SSS`. */
export function formatJvbTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export type ColibriStats = Record<string, number | boolean | string>;

/**
 * `GET /colibri/stats` with JVB's key names, JSON types and units (see the ground truth, 1.2):
 * `bit_rate_*` in kbps, `octo_*_bitrate` in bps, `rtt_aggregate` in ms. Every key of the JVB 2.3.63
 * payload is present; keys about XMPP, data channels, visitors and loss that have no counterpart in
 * the testbed report the values a healthy idle JVB reports (MUC connected, zero counts).
 */
export function buildColibriStats(s: BridgeStatsSnapshot): ColibriStats {
  const g = s.gauges;
  const t = s.totals;
  const r = g.rates;
  const stats: ColibriStats = {
    incoming_loss: 0,
    outgoing_loss: 0,
    overall_loss: 0,
    endpoints_with_high_outgoing_loss: 0,
    local_active_endpoints: g.localActiveEndpoints,
    bit_rate_download: Math.round(r.bitrateDownloadBps / 1000),
    bit_rate_upload: Math.round(r.bitrateUploadBps / 1000),
    packet_rate_download: Math.round(r.packetRateDownload),
    packet_rate_upload: Math.round(r.packetRateUpload),
    rtt_aggregate: g.rttMs,
    num_eps_oversending: 0,
    octo_conferences: g.conferencesWithRelay,
    inactive_conferences: g.inactiveConferences,
    p2p_conferences: g.p2pConferences,
    endpoints: g.endpoints,
    participants: g.endpoints,
    receive_only_endpoints: g.receiveOnlyEndpoints,
    inactive_endpoints: g.inactiveEndpoints,
    octo_endpoints: g.relayedEndpoints,
    endpoints_sending_audio: g.endpointsSendingAudio,
    endpoints_sending_video: g.endpointsSendingVideo,
    largest_conference: g.largestConference,
    octo_receive_bitrate: Math.round(r.relayBitrateReceiveBps),
    octo_receive_packet_rate: Math.round(r.relayPacketRateReceive),
    octo_send_bitrate: Math.round(r.relayBitrateSendBps),
    octo_send_packet_rate: Math.round(r.relayPacketRateSend),
    endpoints_with_suspended_sources: g.endpointsWithSuspendedSources,
    total_conferences_created: t.conferencesCreated,
    total_conferences_completed: t.conferencesCompleted,
    total_conference_seconds: Math.round(t.conferenceSeconds),
    total_participants: t.endpointsCreated,
    total_visitors: 0,
    num_eps_no_msg_transport_after_delay: 0,
    total_relays: t.relaysCreated,
    num_relays_no_msg_transport_after_delay: 0,
    total_keyframes_received: t.keyframesReceived,
    total_layering_changes_received: 0,
    total_video_stream_milliseconds_received: 0,
    stress_level: s.gauges.stress,
    conferences: g.conferences,
    visitors: 0,
    local_endpoints: g.localEndpoints,
    total_data_channel_messages_received: 0,
    total_data_channel_messages_sent: 0,
    total_colibri_web_socket_messages_received: 0,
    total_colibri_web_socket_messages_sent: 0,
    total_bytes_received: t.bytesReceived,
    total_bytes_sent: t.bytesSent,
    dtls_failed_endpoints: t.dtlsFailed,
    total_packets_received: t.packetsReceived,
    total_packets_sent: t.packetsSent,
    total_bytes_received_octo: t.relayBytesReceived,
    total_bytes_sent_octo: t.relayBytesSent,
    total_packets_received_octo: t.relayPacketsReceived,
    total_packets_sent_octo: t.relayPacketsSent,
    total_dominant_speaker_changes: 0,
    preemptive_kfr_sent: 0,
    preemptive_kfr_suppressed: 0,
    total_ice_failed: t.iceFailed,
    total_ice_succeeded: t.iceSucceeded,
    total_ice_succeeded_relayed: 0,
    average_participant_stress: s.averageParticipantStress,
    threads: g.threads,
    graceful_shutdown: false,
    shutting_down: false,
    drain: false,
    current_timestamp: formatJvbTimestamp(s.timestamp),
    muc_clients_configured: 1,
    muc_clients_connected: 1,
    mucs_configured: 1,
    mucs_joined: 1,
    endpoints_with_spurious_remb: 0,
    healthy: s.healthy,
    endpoints_disconnected: t.endpointsDisconnected,
    endpoints_reconnected: 0,
    version: s.identity.version,
    region: s.identity.region,
  };
  if (s.identity.relayId !== undefined) stats.relay_id = s.identity.relayId;
  return stats;
}
