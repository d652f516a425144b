import type { Sample, Tags } from './metrics/sample.js';

type Meta = Readonly<Record<string, string | number>>;

/**
 * The wire form of a `samples` batch. A batch repeats a few tag sets, metas and metric names over
 * thousands of samples, so each distinct one is sent once and a sample is five numbers in `rows`:
 * `[metric index, value, time, tag-set index, meta index or -1]`. Parsing flat number arrays is far
 * cheaper than parsing an object per sample, and the decoded samples share their tag and meta
 * objects, which lets the coordinator's hot path cache work per tag set.
 */
export interface PackedSamples {
  metrics: string[];
  tagSets: Tags[];
  metas: Meta[];
  rows: number[];
}

export const PACKED_ROW_WIDTH = 5;

/** Interns values by identity first, then by content, so one distinct value is written once. */
class Interner<T extends object> {
  readonly values: T[] = [];
  private readonly byObject = new Map<T, number>();
  private readonly byContent = new Map<string, number>();

  indexOf(value: T): number {
    const known = this.byObject.get(value);
    if (known !== undefined) return known;
    const content = JSON.stringify(value);
    let index = this.byContent.get(content);
    if (index === undefined) {
      index = this.values.push(value) - 1;
      this.byContent.set(content, index);
    }
    this.byObject.set(value, index);
    return index;
  }
}

export function packSamples(samples: readonly Sample[]): PackedSamples {
  const metricIndex = new Map<string, number>();
  const metrics: string[] = [];
  const tagSets = new Interner<Tags>();
  const metas = new Interner<Meta>();
  const rows = new Array<number>(samples.length * PACKED_ROW_WIDTH);
  let at = 0;
  for (const sample of samples) {
    let metric = metricIndex.get(sample.metric);
    if (metric === undefined) {
      metric = metrics.push(sample.metric) - 1;
      metricIndex.set(sample.metric, metric);
    }
    rows[at++] = metric;
    rows[at++] = sample.value;
    rows[at++] = sample.time;
    rows[at++] = tagSets.indexOf(sample.tags);
    rows[at++] = sample.meta === undefined ? -1 : metas.indexOf(sample.meta);
  }
  return { metrics, tagSets: tagSets.values, metas: metas.values, rows };
}

export interface UnpackIssue {
  path: (string | number)[];
  message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkTable<T>(raw: unknown, name: string, checkItem: (item: unknown, path: (string | number)[]) => UnpackIssue | undefined): T[] | UnpackIssue {
  if (!Array.isArray(raw)) return { path: [name], message: 'expected array' };
  for (let i = 0; i < raw.length; i++) {
    const problem = checkItem(raw[i], [name, i]);
    if (problem) return problem;
  }
  return raw as T[];
}

function checkRecord(item: unknown, path: (string | number)[], accepts: (value: unknown) => boolean, expected: string): UnpackIssue | undefined {
  if (!isRecord(item)) return { path, message: 'expected object' };
  for (const key in item) if (!accepts(item[key])) return { path: [...path, key], message: `expected ${expected}` };
  return undefined;
}

const isIndex = (value: unknown, size: number): value is number => Number.isInteger(value) && (value as number) >= 0 && (value as number) < size;
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
type RowField = 'metric' | 'value' | 'time' | 'tags' | 'meta';

/**
 * Validates a packed batch and expands it to samples (which share tag and meta objects; callers
 * must not mutate them). Accepts exactly what `packSamples` can produce from valid samples: metric
 * names of 1 to 200 characters, string tag values, string or finite number meta values, finite
 * values and times. The first problem comes back with its path, e.g. `rows.3.value`.
 */
export function unpackSamples(raw: unknown): Sample[] | UnpackIssue {
  if (!isRecord(raw)) return { path: [], message: 'expected object with metrics, tagSets, metas and rows' };
  const metrics = checkTable<string>(raw.metrics, 'metrics', (item, path) =>
    typeof item === 'string' && item.length >= 1 && item.length <= 200 ? undefined : { path, message: 'expected a string of 1 to 200 characters' },
  );
  if (!Array.isArray(metrics)) return metrics;
  const tagSets = checkTable<Tags>(raw.tagSets, 'tagSets', (item, path) => checkRecord(item, path, (v) => typeof v === 'string', 'string'));
  if (!Array.isArray(tagSets)) return tagSets;
  const metas = checkTable<Meta>(raw.metas, 'metas', (item, path) =>
    checkRecord(item, path, (v) => typeof v === 'string' || isFiniteNumber(v), 'string or finite number'),
  );
  if (!Array.isArray(metas)) return metas;
  const rows = raw.rows;
  if (!Array.isArray(rows)) return { path: ['rows'], message: 'expected array' };
  if (rows.length % PACKED_ROW_WIDTH !== 0) return { path: ['rows'], message: `expected a multiple of ${PACKED_ROW_WIDTH} numbers, got ${rows.length}` };
  const samples = new Array<Sample>(rows.length / PACKED_ROW_WIDTH);
  for (let n = 0, at = 0; at < rows.length; n++, at += PACKED_ROW_WIDTH) {
    const metric: unknown = rows[at];
    const value: unknown = rows[at + 1];
    const time: unknown = rows[at + 2];
    const tags: unknown = rows[at + 3];
    const meta: unknown = rows[at + 4];
    const bad = (field: RowField, message: string): UnpackIssue => ({ path: ['rows', n, field], message });
    if (!isIndex(metric, metrics.length)) return bad('metric', `expected an index into metrics (0 to ${metrics.length - 1})`);
    if (!isFiniteNumber(value)) return bad('value', 'expected a finite number');
    if (!isFiniteNumber(time)) return bad('time', 'expected a finite number');
    if (!isIndex(tags, tagSets.length)) return bad('tags', `expected an index into tagSets (0 to ${tagSets.length - 1})`);
    if (meta === -1) samples[n] = { metric: metrics[metric]!, value, time, tags: tagSets[tags]! };
    else if (isIndex(meta, metas.length)) samples[n] = { metric: metrics[metric]!, value, time, tags: tagSets[tags]!, meta: metas[meta]! };
    else return bad('meta', `expected -1 or an index into metas (0 to ${metas.length - 1})`);
  }
  return samples;
}
