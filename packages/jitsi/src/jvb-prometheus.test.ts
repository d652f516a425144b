import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jvbGauges, parseColibriStats } from './colibri-stats.js';
import { jvbGaugesFromPrometheus } from './jvb-prometheus.js';
import { parsePrometheusText } from './prometheus-text.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8');
}

describe('jvbGaugesFromPrometheus', () => {
  it('gives the same gauges from the exporter output as from the /colibri/stats it was made from', () => {
    const fromExporter = jvbGaugesFromPrometheus(parsePrometheusText(fixture('exporter-metrics.systemli-1.4.2.from-jvb-2.3.63.prom.txt')));
    const fromJson = jvbGauges(parseColibriStats(JSON.parse(fixture('colibri-stats.jvb-2.3.63.relay-enabled.json'))));
    expect(fromExporter).toEqual(fromJson);
    expect(Object.keys(fromExporter)).toHaveLength(10);
  });

  it('gives the same gauges from exporter 1.2.3 output as from the 2019 /colibri/stats it was made from, local endpoints included', () => {
    const fromExporter = jvbGaugesFromPrometheus(parsePrometheusText(fixture('exporter-metrics.systemli-1.2.3.from-legacy-2019.prom.txt')));
    const fromJson = jvbGauges(parseColibriStats(JSON.parse(fixture('colibri-stats.legacy-2019.exporter-1.2.3-test-input.json'))));
    expect(fromExporter).toEqual(fromJson);
    expect(fromExporter.jvb_local_endpoints).toBe(0);
  });

  it.each([
    {
      name: 'exporter text of an old bridge: local endpoints are participants less relayed ones',
      text: 'jitsi_participants 7\njitsi_octo_endpoints 2\n',
      expected: { jvb_local_endpoints: 5 },
    },
    {
      name: 'native JVB names, bps bitrates converted to kbps, relay bitrates kept in bps',
      text: [
        '# TYPE jitsi_jvb_stress gauge',
        'jitsi_jvb_stress 0.42',
        'jitsi_jvb_incoming_bitrate 2450000',
        'jitsi_jvb_outgoing_bitrate 7300500',
        'jitsi_jvb_average_rtt 18.5',
        'jitsi_jvb_local_endpoints 6',
        'jitsi_jvb_conferences 2',
        'jitsi_jvb_relay_outgoing_bitrate 1250000',
        'jitsi_jvb_relay_incoming_bitrate 980000',
        'jitsi_jvb_incoming_packet_rate 400',
        'jitsi_jvb_outgoing_packet_rate 1200',
      ].join('\n'),
      expected: {
        jvb_stress: 0.42,
        jvb_download_kbps: 2450,
        jvb_upload_kbps: 7300.5,
        jvb_rtt_ms: 18.5,
        jvb_local_endpoints: 6,
        jvb_conferences: 2,
        jvb_relay_send_bps: 1_250_000,
        jvb_relay_recv_bps: 980_000,
        jvb_packet_rate_download: 400,
        jvb_packet_rate_upload: 1200,
      },
    },
    {
      name: 'native names win over exporter names',
      text: 'jitsi_stress_level 0.9\njitsi_jvb_stress 0.1\n',
      expected: { jvb_stress: 0.1 },
    },
    {
      name: 'NaN falls back to the next source, or leaves the gauge out',
      text: 'jitsi_jvb_stress NaN\njitsi_stress_level 0.3\njitsi_jvb_average_rtt NaN\n',
      expected: { jvb_stress: 0.3 },
    },
    { name: 'unrelated metrics give nothing', text: 'process_cpu_seconds_total 3\n', expected: {} },
  ])('$name', ({ text, expected }) => {
    expect(jvbGaugesFromPrometheus(parsePrometheusText(text))).toEqual(expected);
  });
});
