import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isJltError } from '@jlt/core';
import { COLIBRI_STATS_KNOWN_KEYS, ColibriStatsSchema, jvbGauges, parseColibriStats } from './colibri-stats.js';
import { COLIBRI_STATS_2_3_63_KEYS } from './colibri-stats-keys.js';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8'));
}

const modern = fixture('colibri-stats.jvb-2.3.63.relay-enabled.json') as Record<string, unknown>;
const legacy = fixture('colibri-stats.legacy-2019.exporter-1.2.3-test-input.json') as Record<string, unknown>;

describe('ColibriStatsSchema', () => {
  it.each([
    ['JVB 2.3.63 relay-enabled', modern],
    ['legacy 2019', legacy],
  ])('accepts the real %s sample and keeps every key', (_name, sample) => {
    const parsed = parseColibriStats(sample);
    expect(Object.keys(parsed).sort()).toEqual(Object.keys(sample).sort());
  });

  it('accepts an empty object (every key optional) and keeps unknown keys', () => {
    expect(parseColibriStats({})).toEqual({});
    expect(parseColibriStats({ future_key: [1, 2], stress_level: 0.2 })).toEqual({ future_key: [1, 2], stress_level: 0.2 });
  });

  it('declares every key of the 2.3.63 sample', () => {
    const undeclared = Object.keys(COLIBRI_STATS_2_3_63_KEYS).filter((key) => !COLIBRI_STATS_KNOWN_KEYS.has(key));
    expect(undeclared).toEqual([]);
  });

  it.each([
    ['stress_level', '0.5'],
    ['bit_rate_download', true],
    ['drain', 'false'],
    ['version', 2],
    ['relay_id', null],
    ['conference_sizes', [0, 'x']],
    ['octo_send_bitrate', {}],
  ])('rejects %s = %j and names the key', (key, value) => {
    let caught: unknown;
    try {
      parseColibriStats({ ...modern, [key]: value }, 'http://jvb:8080/colibri/stats');
    } catch (error) {
      caught = error;
    }
    expect(isJltError(caught)).toBe(true);
    const error = caught as Error & { code: string };
    expect(error.code).toBe('PROTOCOL_ERROR');
    expect(error.message).toContain('http://jvb:8080/colibri/stats');
    expect(error.message).toContain(`key "${key}`);
  });

  it.each([[null], [[]], ['stats'], [42]])('rejects a non-object body %j', (body) => {
    expect(ColibriStatsSchema.safeParse(body).success).toBe(false);
  });
});

describe('jvbGauges', () => {
  it.each([
    {
      name: 'all gauges from the keys JVB emits, units unchanged',
      stats: {
        stress_level: 0.35,
        bit_rate_download: 2450,
        bit_rate_upload: 7300,
        rtt_aggregate: 12.5,
        local_endpoints: 7,
        conferences: 2,
        octo_send_bitrate: 1_250_000,
        octo_receive_bitrate: 980_000,
        packet_rate_download: 410,
        packet_rate_upload: 1210,
        endpoints: 9,
      },
      expected: {
        jvb_stress: 0.35,
        jvb_download_kbps: 2450,
        jvb_upload_kbps: 7300,
        jvb_rtt_ms: 12.5,
        jvb_local_endpoints: 7,
        jvb_conferences: 2,
        jvb_relay_send_bps: 1_250_000,
        jvb_relay_recv_bps: 980_000,
        jvb_packet_rate_download: 410,
        jvb_packet_rate_upload: 1210,
      },
    },
    { name: 'only the keys present', stats: { stress_level: 0, conferences: 1 }, expected: { jvb_stress: 0, jvb_conferences: 1 } },
    { name: 'local endpoints of an old bridge: participants less relayed', stats: { participants: 7, octo_endpoints: 2 }, expected: { jvb_local_endpoints: 5 } },
    { name: 'local endpoints of an old bridge without relays', stats: { participants: 3 }, expected: { jvb_local_endpoints: 3 } },
    { name: 'local_endpoints wins over the difference', stats: { local_endpoints: 4, endpoints: 9, participants: 9, octo_endpoints: 2 }, expected: { jvb_local_endpoints: 4 } },
    { name: 'nothing from an empty payload', stats: {}, expected: {} },
  ])('$name', ({ stats, expected }) => {
    expect(jvbGauges(parseColibriStats(stats))).toEqual(expected);
  });

  it('reads the 2.3.63 sample and the 2019 sample, whose local endpoints are its participants', () => {
    expect(Object.keys(jvbGauges(parseColibriStats(modern))).sort()).toHaveLength(10);
    expect(jvbGauges(parseColibriStats(legacy))).toEqual({
      jvb_stress: 0.6,
      jvb_local_endpoints: 0,
      jvb_download_kbps: 0.5,
      jvb_upload_kbps: 0.5,
      jvb_rtt_ms: 0,
      jvb_conferences: 0,
      jvb_relay_send_bps: 0,
      jvb_relay_recv_bps: 0,
      jvb_packet_rate_download: 0,
      jvb_packet_rate_upload: 0,
    });
  });
});
