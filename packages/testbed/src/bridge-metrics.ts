import type { BridgeStatsSnapshot } from './bridge-stats.js';

export interface ProcessMetrics {
  cpuSecondsTotal: number;
  residentMemoryBytes: number;
}

type MetricType = 'gauge' | 'counter';

/**
 * `GET /metrics` in the Prometheus text format (0.0.4) with JVB's native names (namespace
 * `jitsi_jvb`, counters suffixed `_total`, bitrates in bps), plus the standard
 * `process_cpu_seconds_total` / `process_resident_memory_bytes` of the testbed process so a
 * Prometheus query can stand in for pod CPU and memory. All bridges of a testbed share one process,
 * so the process metrics are the same on every bridge.
 */
export function renderPrometheusMetrics(s: BridgeStatsSnapshot, proc: ProcessMetrics): string {
  const g = s.gauges;
  const t = s.totals;
  const r = g.rates;
  const lines: string[] = [];
  const add = (name: string, type: MetricType, help: string, value: number | boolean, labels = ''): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}${labels} ${formatValue(value)}`);
  };
  const jvb = (name: string, type: MetricType, help: string, value: number | boolean): void =>
    add(`jitsi_jvb_${name}${type === 'counter' ? '_total' : ''}`, type, help, value);

  jvb('conferences', 'gauge', 'Current number of conferences.', g.conferences);
  jvb('current_endpoints', 'gauge', 'Current number of endpoints, including relayed ones.', g.endpoints);
  jvb('local_endpoints', 'gauge', 'Current number of local (non-relayed) endpoints.', g.localEndpoints);
  jvb('endpoints_relayed', 'gauge', 'Current number of relayed endpoints.', g.relayedEndpoints);
  jvb('active_endpoints', 'gauge', 'Local endpoints in active conferences.', g.localActiveEndpoints);
  jvb('endpoints_recvonly', 'gauge', 'Local endpoints sending neither audio nor video.', g.receiveOnlyEndpoints);
  jvb('endpoints_inactive', 'gauge', 'Endpoints in inactive conferences.', g.inactiveEndpoints);
  jvb('endpoints_sending_audio', 'gauge', 'Local endpoints sending audio.', g.endpointsSendingAudio);
  jvb('endpoints_sending_video', 'gauge', 'Local endpoints sending video.', g.endpointsSendingVideo);
  jvb('endpoints_with_suspended_sources', 'gauge', 'Local endpoints with a wanted video source suspended for lack of bandwidth.', g.endpointsWithSuspendedSources);
  jvb('largest_conference', 'gauge', 'Endpoints in the largest conference.', g.largestConference);
  jvb('conferences_with_relay', 'gauge', 'Conferences with at least one relay.', g.conferencesWithRelay);
  jvb('conferences_inactive', 'gauge', 'Conferences in which nobody sends audio or video.', g.inactiveConferences);
  jvb('conferences_p2p', 'gauge', 'Inactive conferences with two endpoints.', g.p2pConferences);
  jvb('incoming_bitrate', 'gauge', 'Incoming RTP bitrate in bits per second.', Math.round(r.bitrateDownloadBps));
  jvb('outgoing_bitrate', 'gauge', 'Outgoing RTP bitrate in bits per second.', Math.round(r.bitrateUploadBps));
  jvb('incoming_packet_rate', 'gauge', 'Incoming RTP packets per second.', Math.round(r.packetRateDownload));
  jvb('outgoing_packet_rate', 'gauge', 'Outgoing RTP packets per second.', Math.round(r.packetRateUpload));
  jvb('relay_incoming_bitrate', 'gauge', 'Incoming relay bitrate in bits per second.', Math.round(r.relayBitrateReceiveBps));
  jvb('relay_outgoing_bitrate', 'gauge', 'Outgoing relay bitrate in bits per second.', Math.round(r.relayBitrateSendBps));
  jvb('relay_incoming_packet_rate', 'gauge', 'Incoming relay packets per second.', Math.round(r.relayPacketRateReceive));
  jvb('relay_outgoing_packet_rate', 'gauge', 'Outgoing relay packets per second.', Math.round(r.relayPacketRateSend));
  jvb('average_rtt', 'gauge', 'Mean RTT over local endpoints, in milliseconds.', g.rttMs);
  jvb('stress', 'gauge', 'Stress level: load measurement over load threshold.', g.stress);
  jvb('thread_count', 'gauge', 'Threads of the bridge process.', g.threads);
  jvb('healthy', 'gauge', 'Whether the bridge is healthy.', s.healthy);
  jvb('drain_mode', 'gauge', 'Whether the bridge is in drain mode.', false);
  jvb('graceful_shutdown', 'gauge', 'Whether the bridge is shutting down gracefully.', false);
  jvb('shutting_down', 'gauge', 'Whether the bridge is shutting down.', false);
  jvb('conferences_created', 'counter', 'Conferences created.', t.conferencesCreated);
  jvb('conferences_completed', 'counter', 'Conferences completed.', t.conferencesCompleted);
  jvb('conference_seconds', 'counter', 'Total duration of completed conferences in seconds.', Math.round(t.conferenceSeconds));
  jvb('endpoints', 'counter', 'Endpoints created.', t.endpointsCreated);
  jvb('relays', 'counter', 'Relays created.', t.relaysCreated);
  jvb('keyframes_received', 'counter', 'Video keyframes received from endpoints.', t.keyframesReceived);
  jvb('ice_succeeded', 'counter', 'ICE sessions that succeeded.', t.iceSucceeded);
  jvb('ice_failed', 'counter', 'ICE sessions that failed.', t.iceFailed);
  jvb('endpoints_dtls_failed', 'counter', 'Endpoints whose DTLS failed.', t.dtlsFailed);
  jvb('endpoints_disconnected', 'counter', 'Endpoints that disconnected.', t.endpointsDisconnected);
  jvb('bytes_received', 'counter', 'RTP bytes received from endpoints.', t.bytesReceived);
  jvb('bytes_sent', 'counter', 'RTP bytes sent to endpoints.', t.bytesSent);
  jvb('packets_received', 'counter', 'RTP packets received from endpoints.', t.packetsReceived);
  jvb('packets_sent', 'counter', 'RTP packets sent to endpoints.', t.packetsSent);
  jvb('relay_bytes_received', 'counter', 'Bytes received over relays.', t.relayBytesReceived);
  jvb('relay_bytes_sent', 'counter', 'Bytes sent over relays.', t.relayBytesSent);
  jvb('relay_packets_received', 'counter', 'Packets received over relays.', t.relayPacketsReceived);
  jvb('relay_packets_sent', 'counter', 'Packets sent over relays.', t.relayPacketsSent);
  add('jitsi_jvb_region_info', 'gauge', 'The region of the bridge.', 1, `{region="${escapeLabel(s.identity.region)}"}`);
  add('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', proc.cpuSecondsTotal);
  add('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', proc.residentMemoryBytes);
  return `${lines.join('\n')}\n`;
}

function formatValue(value: number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return Number.isFinite(value) ? String(value) : 'NaN';
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
