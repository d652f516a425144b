import type { TimeAxis } from '../page/page-model.js';
import type { ResultsReader } from '@jlt/core';

/** Bucket widths a run report picks from: the smallest that keeps a run within MAX_BUCKETS. */
const STEPS_MS = [1, 2, 3, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);
/** About one bucket per pixel of a wide chart; a one-hour run gets 3 s buckets. */
export const MAX_BUCKETS = 1200;

/** The time axis of a run spanning [fromMs, toMs]: buckets start at multiples of the step. */
export function runAxis(fromMs: number, toMs: number): TimeAxis {
  const span = Math.max(0, toMs - fromMs);
  const stepMs = STEPS_MS.find((step) => span / step < MAX_BUCKETS) ?? Math.ceil(span / MAX_BUCKETS / 1000) * 1000;
  const startMs = Math.floor(fromMs / stepMs) * stepMs;
  const count = Math.max(2, Math.floor((toMs - startMs) / stepMs) + 1);
  return { kind: 'clock', startMs, stepMs, count };
}

/** A comparison's axis: time since each run's start, as long as the longest run (`spanMs`). */
export function elapsedAxis(spanMs: number): TimeAxis {
  return { ...runAxis(0, spanMs), kind: 'elapsed' };
}

/** The buckets of an elapsed `axis` on the clock of a run that started at `originMs`: what bucketSql reads one run with. */
export function axisFrom(axis: TimeAxis, originMs: number): TimeAxis {
  return { ...axis, kind: 'clock', startMs: originMs + axis.startMs };
}

/** SQL for the bucket index of a row's `time` on `axis` (integers only, so it is exact). */
export function bucketSql(axis: TimeAxis, column = 'time'): string {
  return `((epoch_us(${column}) - ${Math.round(axis.startMs * 1000)}) // ${Math.round(axis.stepMs * 1000)})::INTEGER`;
}

/** Bucketed values by key and field: `series.get(key)?.[field]` is one column for the page. */
export type BucketedSeries = Map<string, Record<string, Float32Array>>;

/**
 * Runs `sql`, which must return a VARCHAR column `k` (the series key), an INTEGER `b` (bucket, see
 * bucketSql) and one DOUBLE column per name in `fields`, and spreads the rows into one column per
 * key and field (NaN where a bucket has no row; rows outside the axis are dropped).
 */
export async function readBucketed(reader: ResultsReader, axis: TimeAxis, sql: string, fields: readonly string[]): Promise<BucketedSeries> {
  const rows = await reader.rows<Record<string, unknown>>(sql);
  const series: BucketedSeries = new Map();
  for (const row of rows) {
    const bucket = row.b;
    const key = row.k;
    if (typeof bucket !== 'number' || typeof key !== 'string') throw new Error(`a bucketed query returns k (VARCHAR) and b (INTEGER); got ${Object.keys(row).join(', ')}`);
    if (bucket < 0 || bucket >= axis.count) continue;
    let columns = series.get(key);
    if (!columns) {
      columns = Object.fromEntries(fields.map((f) => [f, new Float32Array(axis.count).fill(NaN)]));
      series.set(key, columns);
    }
    for (const field of fields) {
      const value = row[field];
      if (typeof value === 'number') columns[field]![bucket] = value;
    }
  }
  return series;
}

/** True when some bucket has a value. */
export function hasData(values: Float32Array | undefined): values is Float32Array {
  return values !== undefined && values.some((v) => !Number.isNaN(v));
}

/** True when min and max differ somewhere, i.e. a band would show something. */
export function differs(min: Float32Array | undefined, max: Float32Array | undefined): boolean {
  if (!min || !max) return false;
  for (let i = 0; i < min.length; i++) if (max[i]! - min[i]! > Math.abs(max[i]!) * 1e-6) return true;
  return false;
}
