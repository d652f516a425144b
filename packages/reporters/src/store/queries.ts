import { listValue } from '@duckdb/node-api';
import { JltError } from '@jlt/core';
import type { ResultsDb } from './results-db.js';
import { TAG_COLUMNS, type TagColumn } from './schema.js';

/** Sample time in (fractional) milliseconds since the epoch, as stored. */
const TIME_MS = '(epoch_us(time) / 1000.0)';

export interface PercentileOptions {
  /** Quantiles in [0, 1], e.g. [0.5, 0.95, 0.99]. */
  quantiles: readonly number[];
  /** Only these metrics; all when omitted. */
  metrics?: readonly string[];
  /** Tag columns to group by besides the metric; default `['bridge']`. */
  by?: readonly TagColumn[];
}

export interface PercentileRow {
  metric: string;
  /** The value of each `by` column (null for samples without that tag). */
  groups: Partial<Record<TagColumn, string | null>>;
  count: number;
  /** `values[i]` is the interpolated `quantiles[i]` (DuckDB `quantile_cont`). */
  values: number[];
}

/** Percentiles per metric and per group (by default per bridge), computed on raw samples. */
export async function percentiles(db: ResultsDb, options: PercentileOptions): Promise<PercentileRow[]> {
  const by = options.by ?? ['bridge'];
  by.forEach(checkTagColumn);
  if (options.quantiles.length === 0) throw new JltError('INVALID_ARGUMENT', 'percentiles: name at least one quantile');
  for (const q of options.quantiles) {
    if (!(q >= 0 && q <= 1)) throw new JltError('INVALID_ARGUMENT', `percentiles: quantile ${q} is outside [0, 1]`);
  }
  const quantileColumns = options.quantiles.map((q, i) => `quantile_cont(value, ${q})::DOUBLE AS q${i}`).join(', ');
  const groupColumns = by.map((c) => `, ${c}`).join('');
  const rows = await db.rows<Record<string, string | number | null>>(
    `SELECT metric${groupColumns}, count(*)::DOUBLE AS n, ${quantileColumns}
     FROM samples WHERE ${options.metrics ? 'list_contains($metrics, metric)' : 'true'}
     GROUP BY ALL ORDER BY metric${by.map((c) => `, ${c} NULLS LAST`).join('')}`,
    options.metrics ? { metrics: listValue([...options.metrics]) } : undefined,
  );
  return rows.map((row) => ({
    metric: row.metric as string,
    groups: Object.fromEntries(by.map((c) => [c, row[c] as string | null])),
    count: row.n as number,
    values: options.quantiles.map((_, i) => row[`q${i}`] as number),
  }));
}

export interface AlignOptions {
  /** The client metric, e.g. `webrtc_rtt_ms`. */
  client: string;
  /** The server metric, e.g. `jvb_stress`. */
  server: string;
  /** A server sample older than this is treated as missing; default: no limit. */
  toleranceMs?: number;
}

export interface AlignedRow {
  time: number;
  bridge: string;
  clientValue: number;
  /** The nearest server sample of the same bridge at or before `time`, or null. */
  serverValue: number | null;
  serverTime: number | null;
}

/**
 * Lines each client sample up with the nearest earlier (or same-time) server sample of the same
 * bridge (DuckDB ASOF JOIN), e.g. every `webrtc_rtt_ms` with the bridge's `jvb_stress` then.
 * Client samples without a bridge tag are skipped. Ordered by time, then bridge.
 */
export async function alignWithServer(db: ResultsDb, options: AlignOptions): Promise<AlignedRow[]> {
  const tolerance = options.toleranceMs;
  if (tolerance !== undefined && !(tolerance >= 0)) {
    throw new JltError('INVALID_ARGUMENT', `alignWithServer: toleranceMs must be >= 0 (got ${tolerance})`);
  }
  const fresh = tolerance === undefined ? 'true' : `epoch_us(c.time) - epoch_us(s.time) <= ${Math.round(tolerance * 1000)}`;
  return db.rows<AlignedRow>(
    `WITH c AS (SELECT time, bridge, value FROM samples WHERE metric = $client AND bridge IS NOT NULL),
          s AS (SELECT time, bridge, value FROM samples WHERE metric = $server AND bridge IS NOT NULL)
     SELECT (epoch_us(c.time) / 1000.0)::DOUBLE AS time, c.bridge AS bridge, c.value AS clientValue,
            CASE WHEN ${fresh} THEN s.value END AS serverValue,
            CASE WHEN ${fresh} THEN (epoch_us(s.time) / 1000.0)::DOUBLE END AS serverTime
     FROM c ASOF LEFT JOIN s ON c.bridge = s.bridge AND c.time >= s.time
     ORDER BY c.time, c.bridge`,
    { client: options.client, server: options.server },
  );
}

export const SERIES_AGGREGATES = {
  avg: 'avg(value)',
  min: 'min(value)',
  max: 'max(value)',
  sum: 'sum(value)',
  count: 'count(*)',
  p50: 'quantile_cont(value, 0.5)',
  p95: 'quantile_cont(value, 0.95)',
  p99: 'quantile_cont(value, 0.99)',
} as const;
export type SeriesAggregate = keyof typeof SERIES_AGGREGATES;

export interface SeriesOptions {
  metric: string;
  /** Bucket width; buckets start at multiples of it since the epoch. */
  bucketMs: number;
  /** Default `avg`. */
  aggregate?: SeriesAggregate;
  /** One series per value of this tag column; one series (group null) when omitted. */
  by?: TagColumn;
}

export interface SeriesPoint {
  /** Bucket start, ms since the epoch. */
  bucket: number;
  group: string | null;
  value: number;
  count: number;
}

/** A metric aggregated into fixed time buckets, ordered by bucket then group. */
export async function timeSeries(db: ResultsDb, options: SeriesOptions): Promise<SeriesPoint[]> {
  if (!(options.bucketMs > 0)) throw new JltError('INVALID_ARGUMENT', `timeSeries: bucketMs must be > 0 (got ${options.bucketMs})`);
  const aggregate = options.aggregate ?? 'avg';
  if (!Object.hasOwn(SERIES_AGGREGATES, aggregate)) {
    throw new JltError('UNKNOWN_REGISTRY_NAME', `unknown aggregate "${aggregate}"; available: ${Object.keys(SERIES_AGGREGATES).join(', ')}`);
  }
  if (options.by) checkTagColumn(options.by);
  const group = options.by ?? 'NULL::VARCHAR';
  return db.rows<SeriesPoint>(
    `SELECT (floor(${TIME_MS} / $bucket) * $bucket)::DOUBLE AS bucket, ${group} AS "group",
            (${SERIES_AGGREGATES[aggregate]})::DOUBLE AS value, count(*)::DOUBLE AS count
     FROM samples WHERE metric = $metric
     GROUP BY ALL ORDER BY bucket, "group" NULLS FIRST`,
    { metric: options.metric, bucket: options.bucketMs },
  );
}

function checkTagColumn(column: string): void {
  if (!(TAG_COLUMNS as readonly string[]).includes(column)) {
    throw new JltError('UNKNOWN_REGISTRY_NAME', `unknown tag column "${column}"; available: ${TAG_COLUMNS.join(', ')}`);
  }
}
