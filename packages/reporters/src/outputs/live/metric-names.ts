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
  /** Multiply a sample's value by this to get the base unit. */
  scale: number;
  /** The base unit's name as Prometheus metadata carries it (`seconds`, `bytes`, …), '' when none. */
  unit: string;
  help: string;
}

const BASE_UNITS: Record<MetricInfo['unit'], { suffix: string; scale: number; unit: string; jltSuffix?: string }> = {
  ms: { suffix: '_seconds', scale: 1 / 1000, unit: 'seconds', jltSuffix: '_ms' },
  kbps: { suffix: '_bits_per_second', scale: 1000, unit: 'bits_per_second', jltSuffix: '_kbps' },
  bps: { suffix: '_bits_per_second', scale: 1, unit: 'bits_per_second', jltSuffix: '_bps' },
  ratio: { suffix: '_ratio', scale: 1, unit: 'ratio', jltSuffix: '_ratio' },
  fps: { suffix: '_frames_per_second', scale: 1, unit: 'frames_per_second', jltSuffix: '_fps' },
  px: { suffix: '_pixels', scale: 1, unit: 'pixels' },
  bytes: { suffix: '_bytes', scale: 1, unit: 'bytes', jltSuffix: '_bytes' },
  cores: { suffix: '_cores', scale: 1, unit: 'cores', jltSuffix: '_cores' },
  'packets/s': { suffix: '_packets_per_second', scale: 1, unit: 'packets_per_second' },
  count: { suffix: '', scale: 1, unit: '' },
  '': { suffix: '', scale: 1, unit: '' },
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
    return { name: `jlt_${sanitizeName(metric)}`, type: 'gauge', scale: 1, unit: '', help: `${metric} (custom metric)` };
  }
  const base = BASE_UNITS[info.unit];
  let stem = RENAMED[metric] ?? metric;
  if (base.jltSuffix !== undefined && stem.endsWith(base.jltSuffix)) stem = stem.slice(0, -base.jltSuffix.length);
  return { name: `jlt_${stem}${base.suffix}`, type: info.type, scale: base.scale, unit: base.unit, help: info.description };
}

/** A metric or label name as Prometheus accepts it: `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function sanitizeName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}
