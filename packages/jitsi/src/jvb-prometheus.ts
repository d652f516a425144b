import type { JvbGaugeName, JvbGauges } from './jvb-gauges.js';
import { findSample, type MetricFamily } from './prometheus-text.js';

interface GaugeSource {
  metric: string;
  /** Divides the metric's value into jlt's unit (1000 for bps → kbps). */
  divisor: number;
  /** A metric subtracted from `metric` when present (a count derived as a difference). */
  minus?: string;
}

/**
 * Where each jlt gauge comes from in Prometheus text, in order of preference:
 * 1. JVB's native `/metrics` (namespace `jitsi_jvb`): bitrates in **bps**, so media bitrates are
 *    divided by 1000 to kbps; relay bitrates stay bps.
 * 2. The systemli exporter (`jitsi_*`, what the helm chart deploys): values copied unchanged from
 *    `/colibri/stats`, so `jitsi_bit_rate_*` are kbps and `jitsi_octo_*_bitrate` bps. The exporter
 *    renders keys JVB does not send as 0, so these cannot tell "absent" from 0.
 */
export const JVB_PROMETHEUS_SOURCES: Readonly<Record<JvbGaugeName, readonly GaugeSource[]>> = {
  jvb_stress: [
    { metric: 'jitsi_jvb_stress', divisor: 1 },
    { metric: 'jitsi_stress_level', divisor: 1 },
  ],
  jvb_download_kbps: [
    { metric: 'jitsi_jvb_incoming_bitrate', divisor: 1000 },
    { metric: 'jitsi_bit_rate_download', divisor: 1 },
  ],
  jvb_upload_kbps: [
    { metric: 'jitsi_jvb_outgoing_bitrate', divisor: 1000 },
    { metric: 'jitsi_bit_rate_upload', divisor: 1 },
  ],
  jvb_rtt_ms: [
    { metric: 'jitsi_jvb_average_rtt', divisor: 1 },
    { metric: 'jitsi_rtt_aggregate', divisor: 1 },
  ],
  jvb_local_endpoints: [
    { metric: 'jitsi_jvb_local_endpoints', divisor: 1 },
    { metric: 'jitsi_local_endpoints', divisor: 1 },
    // Exporters before 1.4 have no local count: all endpoints less the relayed ones, as for the JSON.
    { metric: 'jitsi_participants', divisor: 1, minus: 'jitsi_octo_endpoints' },
  ],
  jvb_conferences: [
    { metric: 'jitsi_jvb_conferences', divisor: 1 },
    { metric: 'jitsi_conferences', divisor: 1 },
  ],
  jvb_relay_send_bps: [
    { metric: 'jitsi_jvb_relay_outgoing_bitrate', divisor: 1 },
    { metric: 'jitsi_octo_send_bitrate', divisor: 1 },
  ],
  jvb_relay_recv_bps: [
    { metric: 'jitsi_jvb_relay_incoming_bitrate', divisor: 1 },
    { metric: 'jitsi_octo_receive_bitrate', divisor: 1 },
  ],
  jvb_packet_rate_download: [
    { metric: 'jitsi_jvb_incoming_packet_rate', divisor: 1 },
    { metric: 'jitsi_packet_rate_download', divisor: 1 },
  ],
  jvb_packet_rate_upload: [
    { metric: 'jitsi_jvb_outgoing_packet_rate', divisor: 1 },
    { metric: 'jitsi_packet_rate_upload', divisor: 1 },
  ],
};

/**
 * The jlt gauges from a parsed JVB `/metrics` or exporter exposition, in jlt's units. A gauge is
 * present only when one of its source metrics has a finite sample (NaN means "no data").
 */
export function jvbGaugesFromPrometheus(families: readonly MetricFamily[]): JvbGauges {
  const gauges: JvbGauges = {};
  for (const [gauge, sources] of Object.entries(JVB_PROMETHEUS_SOURCES) as Array<[JvbGaugeName, readonly GaugeSource[]]>) {
    for (const source of sources) {
      const value = sourceValue(families, source);
      if (value !== undefined) {
        gauges[gauge] = value;
        break;
      }
    }
  }
  return gauges;
}

function sourceValue(families: readonly MetricFamily[], source: GaugeSource): number | undefined {
  const sample = findSample(families, source.metric);
  if (!sample || !Number.isFinite(sample.value)) return undefined;
  const subtracted = source.minus === undefined ? undefined : findSample(families, source.minus)?.value;
  const value = subtracted !== undefined && Number.isFinite(subtracted) ? sample.value - subtracted : sample.value;
  return value / source.divisor;
}
