import { metricInfo, type MetricInfo, type MetricType } from '@jlt/core';

/**
 * How a jlt metric is named and scaled in the live outputs (Prometheus remote write, InfluxDB),
 * following Prometheus conventions: a `jlt_` prefix and base units in the name (seconds, bits per
 * second, bytes, pixels, …), values scaled to that unit. Metrics outside METRICS (custom Prometheus
 * queries of `collect.prometheus`) keep their name, unscaled, and are written as gauges: a server-side
 * query result is a level, not a stream of observations.
 */
export interface LiveMetricName {
  /** Base name, e.g. `jlt_webrtc_rtt_seconds`; Prometheus adds `_bucket`/`_total` suffixes per type. */
  name: string;
  type: MetricType;
  /** A sample's value in the base unit. */
  toBase(value: number): number;
  /** The base unit's name as Prometheus metadata carries it (`seconds`, `bytes`, …), '' when none. */
  unit: string;
  help: string;
}

const same = (value: number): number => value;

/** Scales divide or multiply by a power of ten, so 13 ms is 0.013 s exactly as printed (13 × 0.001 is not). */
const BASE_UNITS: Record<MetricInfo['unit'], { suffix: string; toBase: (value: number) => number; unit: string; jltSuffix?: string }> = {
  ms: { suffix: '_seconds', toBase: (ms) => ms / 1000, unit: 'seconds', jltSuffix: '_ms' },
  kbps: { suffix: '_bits_per_second', toBase: (kbps) => kbps * 1000, unit: 'bits_per_second', jltSuffix: '_kbps' },
  bps: { suffix: '_bits_per_second', toBase: same, unit: 'bits_per_second', jltSuffix: '_bps' },
  ratio: { suffix: '_ratio', toBase: same, unit: 'ratio', jltSuffix: '_ratio' },
  fps: { suffix: '_frames_per_second', toBase: same, unit: 'frames_per_second', jltSuffix: '_fps' },
  px: { suffix: '_pixels', toBase: same, unit: 'pixels' },
  bytes: { suffix: '_bytes', toBase: same, unit: 'bytes', jltSuffix: '_bytes' },
  cores: { suffix: '_cores', toBase: same, unit: 'cores', jltSuffix: '_cores' },
  'packets/s': { suffix: '_packets_per_second', toBase: same, unit: 'packets_per_second' },
  count: { suffix: '', toBase: same, unit: '' },
  '': { suffix: '', toBase: same, unit: '' },
};

/** Where the generic rule reads badly (`jvb_packet_rate_download_packets_per_second`). */
const RENAMED: Record<string, string> = {
  jvb_packet_rate_download: 'jvb_download',
  jvb_packet_rate_upload: 'jvb_upload',
};

const cache = new Map<string, LiveMetricName>();

export function liveMetricName(metric: string): LiveMetricName {
  let named = cache.get(metric);
  if (named === undefined) {
    named = computeName(metric);
    cache.set(metric, named);
  }
  return named;
}

function computeName(metric: string): LiveMetricName {
  const info = metricInfo(metric);
  if (info === undefined) {
    return { name: `jlt_${sanitizeName(metric)}`, type: 'gauge', toBase: same, unit: '', help: `${metric} (custom metric)` };
  }
  const base = BASE_UNITS[info.unit];
  let stem = RENAMED[metric] ?? metric;
  if (base.jltSuffix !== undefined && stem.endsWith(base.jltSuffix)) stem = stem.slice(0, -base.jltSuffix.length);
  return { name: `jlt_${stem}${base.suffix}`, type: info.type, toBase: base.toBase, unit: base.unit, help: info.description };
}

/** A metric or label name as Prometheus accepts it: `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function sanitizeName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}
