import { JltError, metricInfo, type Insight } from '@jlt/core';
import { computeInsights } from '../insights/compute-insights.js';
import { differenceTest, isUntestable, sortedQuantile, type CentralStatistic, type DifferenceTest, type Observations } from './difference-test.js';
import { CATEGORY_METRICS, metricRule, metricSection, type Better, type MetricSection } from './metric-rules.js';
import { openRunSource, type RunSource } from './run-source.js';

/** Version of the comparison's JSON shape (`jlt compare --format json`), bumped on incompatible changes. */
export const COMPARISON_FORMAT_VERSION = 1;

/** The confidence level of every verdict. */
export const COMPARISON_LEVEL = 0.95;

export type Verdict = 'better' | 'worse' | 'higher' | 'lower' | 'no significant difference' | 'not tested';

export interface ComparedRun {
  label: string;
  dir: string;
  runId: string | undefined;
  scenario: string | undefined;
  /** Time 0 of the run's timelines and of its `+m:ss` times (ISO). */
  startedAt: string;
  status: string | undefined;
  targetKind: string | undefined;
  bridges: string[];
  bots: { planned: number | undefined; joined: number; failed: number };
  conferences: number;
  /** Seconds from the run's start to the end of the warm-up, and of the analysed part after it. */
  warmUpSeconds: number;
  warmUpSource: string;
  /** Server metrics are analysed from this many seconds after the start (their figures lag). */
  serverWarmUpSeconds: number;
  analysedSeconds: number;
  /** What the insight rules find in the run's store (the same rules as the run's end and its report). */
  insights: Insight[];
}

export interface Distribution {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

export interface Delta {
  absolute: number;
  /** Relative to the baseline; undefined when the baseline is 0. */
  relative: number | undefined;
}

/** The test of one row, as the outputs show it. */
export interface RowTest {
  method: DifferenceTest['method'];
  statistic: CentralStatistic;
  difference: number;
  interval: [number, number];
  level: number;
  pValue: number;
  degreesOfFreedom: number;
  /** Units (bots) and time blocks of the baseline and of this run. */
  units: [number, number];
  blocks: [number, number];
}

export interface Versus {
  deltas: Record<keyof Omit<Distribution, 'count'>, Delta>;
  test: RowTest | undefined;
  verdict: Verdict;
  /** Why there is no test, when there is none. */
  untestable?: string;
}

export interface ComparisonRow {
  /** Stable id, e.g. `webrtc_rtt_ms`, `jvb_stress{bridge=jvb-1}`, `jvb_stress{total}`. */
  id: string;
  section: MetricSection;
  metric: string;
  /** What the row covers: `all bots`, `bridge jvb-1`, `all bridges (sum)`, `reason=cpu`, … */
  scope: string;
  unit: string;
  better: Better;
  /** One per run; null when that run has no values for the row. */
  runs: (Distribution | null)[];
  /** One per run; null for the baseline (run 0) and for runs that cannot be compared on this row. */
  versus: (Versus | null)[];
}

export interface NormalisedRow {
  id: string;
  label: string;
  unit: string;
  better: Better;
  runs: (number | null)[];
  versus: ({ delta: Delta; test: RowTest | undefined; verdict: Verdict; untestable?: string } | null)[];
}

export interface ThresholdRow {
  key: string;
  expression: string;
  /** The metric's unit, as the summary gave it ('' when no run evaluated the threshold). */
  unit: string;
  runs: ({ passed: boolean; observed: number | null } | null)[];
}

export interface RunPlacement {
  /** Where it came from: the bridges' /debug, the bots' own view, or nothing recorded. */
  source: 'debug' | 'bot' | 'none';
  bridges: { bridge: string; conferences: number; endpoints: number }[];
  splitConferences: number;
  maxSimultaneousSplit: number | undefined;
  relays: { bridge: string; relay: string }[];
}

export interface Comparison {
  formatVersion: typeof COMPARISON_FORMAT_VERSION;
  /** The first run is the baseline every other run is compared against. */
  runs: ComparedRun[];
  method: string;
  level: number;
  /** Labels of runs with an `untrustworthy` insight, with its message. */
  untrustworthy: { label: string; message: string }[];
  rows: ComparisonRow[];
  /** Metrics only some runs have; not compared. */
  unmatchedMetrics: { metric: string; runs: string[] }[];
  normalised: NormalisedRow[];
  thresholds: ThresholdRow[];
  placement: RunPlacement[];
}

export const METHOD_DESCRIPTION =
  'Verdicts compare the median (the mean for rates and packet loss) after the warm-up: a t interval of the difference whose standard error comes from ' +
  'resampling the independent parts of each run — bots, and blocks of consecutive seconds long enough for the autocorrelation — ' +
  'with Welch–Satterthwaite degrees of freedom. A shift common to a whole run is invisible from inside it; repeat runs to measure it.';

export interface CompareOptions {
  /** One label per directory; default A, B, C, … */
  labels?: readonly string[];
  /** Bootstrap resamples per run and dimension; default 500. */
  resamples?: number;
}

/** Compares the runs in `dirs`, the first one being the baseline. Throws a JltError (exit code 2)
 * naming the directory that cannot be read. */
export async function compareRuns(dirs: readonly string[], options: CompareOptions = {}): Promise<Comparison> {
  if (dirs.length < 2) throw new JltError('INVALID_ARGUMENT', `compare needs at least two results directories (got ${dirs.length})`);
  const labels = options.labels ?? dirs.map((_, i) => String.fromCharCode(65 + (i % 26)) + (i >= 26 ? String(Math.floor(i / 26)) : ''));
  if (labels.length !== dirs.length) {
    throw new JltError('INVALID_ARGUMENT', `--labels names ${labels.length} run(s) but ${dirs.length} directories were given`, {
      hint: 'give one label per directory, comma-separated, e.g. --labels single,octo',
    });
  }
  const sources: RunSource[] = [];
  try {
    for (const [i, dir] of dirs.entries()) sources.push(await openRunSource(dir, labels[i]!));
    return await buildComparison(sources, options.resamples ?? 500);
  } finally {
    await Promise.all(sources.map((s) => s.close()));
  }
}

async function buildComparison(sources: RunSource[], resamples: number): Promise<Comparison> {
  const facts = await Promise.all(sources.map(runFacts));
  // From the stores, not run.json's copy: a killed run has none, and the rules may have changed since.
  const insights: Insight[][] = [];
  for (const source of sources) insights.push(await computeInsights(source.db));
  const runs = sources.map((source, i) => describeRun(source, facts[i]!, insights[i]!));
  const metricSets = facts.map((f) => new Set(f.metrics));
  const allMetrics = [...new Set(facts.flatMap((f) => f.metrics))].sort(byMetricOrder);
  const compared = allMetrics.filter((m) => metricSets.filter((set) => set.has(m)).length >= 2);
  const unmatchedMetrics = allMetrics
    .filter((m) => !compared.includes(m))
    .map((metric) => ({ metric, runs: sources.filter((_, i) => metricSets[i]!.has(metric)).map((s) => s.label) }));

  const rows: ComparisonRow[] = [];
  for (const metric of compared) rows.push(...(await metricRows(metric, sources, facts, resamples)));
  const untrustworthy = runs.flatMap((run) =>
    run.insights.filter((i) => i.severity === 'untrustworthy').map((i) => ({ label: run.label, message: i.message })),
  );
  return {
    formatVersion: COMPARISON_FORMAT_VERSION,
    runs,
    method: METHOD_DESCRIPTION,
    level: COMPARISON_LEVEL,
    untrustworthy,
    rows,
    unmatchedMetrics,
    normalised: await normalisedRows(sources, facts, resamples),
    thresholds: thresholdRows(sources),
    placement: await Promise.all(sources.map(placementOf)),
  };
}

/** What is known about a run before its rows are built. */
interface RunFacts {
  metrics: string[];
  /** Bots with a successful join, and their conferences. */
  joinedBots: number;
  failedBots: number;
  conferences: number;
  /** Bridges with server samples, sorted. */
  bridges: string[];
}

async function runFacts(source: RunSource): Promise<RunFacts> {
  const metrics = (await source.db.rows<{ metric: string }>('SELECT DISTINCT metric FROM samples ORDER BY metric')).map((r) => r.metric);
  const [joins] = await source.db.rows<{ joined: number; failed: number; conferences: number }>(
    `SELECT count(DISTINCT meta->>'bot') FILTER (WHERE value = 1)::DOUBLE AS joined,
            count(DISTINCT meta->>'bot') FILTER (WHERE value <> 1)::DOUBLE AS failed,
            count(DISTINCT conference) FILTER (WHERE value = 1)::DOUBLE AS conferences
     FROM samples WHERE metric = 'bot_join_success'`,
  );
  const bridges = (
    await source.db.rows<{ bridge: string }>(
      `SELECT DISTINCT bridge FROM samples WHERE bridge IS NOT NULL AND (meta->>'bot') IS NULL AND (metric LIKE 'jvb\\_%' ESCAPE '\\' OR metric LIKE 'pod\\_%' ESCAPE '\\') ORDER BY bridge`,
    )
  ).map((r) => r.bridge);
  return { metrics, joinedBots: joins?.joined ?? 0, failedBots: joins?.failed ?? 0, conferences: joins?.conferences ?? 0, bridges };
}

function describeRun(source: RunSource, facts: RunFacts, insights: Insight[]): ComparedRun {
  const { run, window } = source;
  return {
    label: source.label,
    dir: source.dir,
    runId: run.runId,
    scenario: run.scenario,
    startedAt: new Date(window.startedAt).toISOString(),
    status: run.status,
    targetKind: run.target?.kind,
    bridges: facts.bridges,
    bots: { planned: run.plan?.bots, joined: facts.joinedBots, failed: facts.failedBots },
    conferences: facts.conferences,
    warmUpSeconds: (window.warmUpEndsAt - window.startedAt) / 1000,
    warmUpSource: window.warmUpSource,
    serverWarmUpSeconds: (window.serverWarmUpEndsAt - window.startedAt) / 1000,
    analysedSeconds: Math.max(0, (window.endsAt - window.warmUpEndsAt) / 1000),
    insights,
  };
}

/** Client metrics first, then server, load generator, the rest; by name within a section. */
function byMetricOrder(a: string, b: string): number {
  const order: MetricSection[] = ['client', 'server', 'load-generator', 'other'];
  return order.indexOf(metricSection(a)) - order.indexOf(metricSection(b)) || a.localeCompare(b);
}

/** A row's values in one run, ready for statistics and the test. */
interface RowValues {
  observations: Observations;
  sorted: Float64Array;
}

async function metricRows(metric: string, sources: RunSource[], facts: RunFacts[], resamples: number): Promise<ComparisonRow[]> {
  const section = metricSection(metric);
  const rule = metricRule(metric);
  const unit = metricInfo(metric)?.unit ?? '';
  const category = CATEGORY_METRICS[metric];
  if (category) {
    const perRun = await Promise.all(sources.map((s) => categoryValues(s, metric, category.tag)));
    const categories = [...new Set(perRun.flatMap((m) => [...m.keys()]))].sort();
    return categories.map((name) =>
      makeRow(
        { id: `${metric}{${category.tag}=${name}}`, section, metric, scope: `${category.tag}=${name}`, unit: 'share', better: category.better(name) },
        'mean',
        perRun.map((m) => m.get(name)),
        resamples,
      ),
    );
  }
  if (section === 'server') {
    const bridges = [...new Set(facts.flatMap((f) => f.bridges))].sort();
    const rows: ComparisonRow[] = [];
    for (const bridge of bridges) {
      const values = await Promise.all(sources.map((s) => serverValues(s, metric, bridge)));
      if (values.every((v) => v === undefined)) continue;
      rows.push(makeRow({ id: `${metric}{bridge=${bridge}}`, section, metric, scope: `bridge ${bridge}`, unit, better: rule.better }, rule.statistic, values, resamples));
    }
    const how = rule.total ?? 'sum';
    const totals = await Promise.all(sources.map((s) => serverTotal(s, metric, how)));
    rows.push(makeRow({ id: `${metric}{total}`, section, metric, scope: `all bridges (${how})`, unit, better: rule.better }, rule.statistic, totals, resamples));
    return rows;
  }
  const values = await Promise.all(sources.map((s) => unitValues(s, metric, rule.keepsWarmUp === true)));
  const scope = section === 'load-generator' ? 'per agent' : 'all bots';
  return [makeRow({ id: metric, section, metric, scope, unit, better: rule.better }, rule.statistic, values, resamples)];
}

function makeRow(
  head: Omit<ComparisonRow, 'runs' | 'versus'>,
  statistic: CentralStatistic,
  values: (RowValues | undefined)[],
  resamples: number,
): ComparisonRow {
  const runs = values.map((v) => (v ? distribution(v.sorted) : null));
  const baseline = values[0];
  const versus = values.map((v, i) => {
    if (i === 0 || !v || !baseline) return null;
    const base = runs[0]!;
    const other = runs[i]!;
    const test = differenceTest(baseline.observations, v.observations, { statistic, resamples, seed: seedOf(`${head.id}#${i}`), level: COMPARISON_LEVEL });
    return {
      deltas: {
        p50: delta(base.p50, other.p50),
        p95: delta(base.p95, other.p95),
        p99: delta(base.p99, other.p99),
        mean: delta(base.mean, other.mean),
      },
      ...tested(test, head.better),
    };
  });
  return { ...head, runs, versus };
}

function rowTest(test: DifferenceTest): RowTest {
  return {
    method: test.method,
    statistic: test.statistic,
    difference: test.difference,
    interval: test.interval,
    level: test.level,
    pValue: test.pValue,
    degreesOfFreedom: test.degreesOfFreedom,
    units: [test.design.a.units, test.design.b.units],
    blocks: [test.design.a.blocks, test.design.b.blocks],
  };
}

function tested(result: ReturnType<typeof differenceTest>, better: Better): { test: RowTest | undefined; verdict: Verdict; untestable?: string } {
  if (isUntestable(result)) return { test: undefined, verdict: 'not tested', untestable: result.untestable };
  return { test: rowTest(result), verdict: verdictOf(result, better) };
}

export function verdictOf(test: DifferenceTest, better: Better): Verdict {
  if (!test.significant) return 'no significant difference';
  const higher = test.difference > 0;
  if (better === 'none') return higher ? 'higher' : 'lower';
  return higher === (better === 'higher') ? 'better' : 'worse';
}

function distribution(sorted: Float64Array): Distribution {
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: sortedQuantile(sorted, 0.5),
    p95: sortedQuantile(sorted, 0.95),
    p99: sortedQuantile(sorted, 0.99),
    mean: sum / sorted.length,
  };
}

function delta(base: number, other: number): Delta {
  return { absolute: other - base, relative: base === 0 ? undefined : (other - base) / Math.abs(base) };
}

/** FNV-1a: a stable seed per row, so a comparison is the same every time it is made. */
function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function toRowValues(rows: { value: number; unit: string; t: number }[]): RowValues | undefined {
  if (rows.length === 0) return undefined;
  const unitIds = new Map<string, number>();
  const units = new Int32Array(rows.length);
  const values = new Float64Array(rows.length);
  const times = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    let id = unitIds.get(row.unit);
    if (id === undefined) unitIds.set(row.unit, (id = unitIds.size));
    units[i] = id;
    values[i] = row.value;
    times[i] = row.t;
  });
  return { observations: { values, units, times }, sorted: Float64Array.from(values).sort() };
}

/**
 * SQL bounds of what a row analyses, as epoch microseconds: after the warm-up (for server metrics
 * the later server warm-up), or the whole run for metrics about the warm-up itself; and the origin
 * of the values' times, ms.
 */
function windowParams(source: RunSource, part: 'client' | 'server' | 'whole run'): { from: bigint; to: bigint; origin: number } {
  const { startedAt, warmUpEndsAt, serverWarmUpEndsAt, endsAt } = source.window;
  const start = part === 'whole run' ? startedAt : part === 'server' ? serverWarmUpEndsAt : warmUpEndsAt;
  // The whole run includes the idle samples collectors take before the start.
  const from = part === 'whole run' ? 0n : BigInt(Math.round(start * 1000));
  return { from, to: BigInt(Math.round(endsAt * 1000)), origin: start };
}

const IN_WINDOW = 'epoch_us(time) > $from AND epoch_us(time) <= $to';

/** A client or load-generator metric: one unit per bot (or agent). */
async function unitValues(source: RunSource, metric: string, keepsWarmUp: boolean): Promise<RowValues | undefined> {
  const { from, to, origin } = windowParams(source, keepsWarmUp ? 'whole run' : 'client');
  const rows = await source.db.rows<{ value: number; unit: string; t: number }>(
    `SELECT value, coalesce(meta->>'bot', agent, bridge, '') AS unit, ((epoch_us(time) / 1000.0 - $origin) / 1000.0)::DOUBLE AS t
     FROM samples WHERE metric = $metric AND ${IN_WINDOW} ORDER BY time`,
    { metric, from, to, origin },
  );
  return toRowValues(rows);
}

/** One bridge's series of a server metric: one unit. */
async function serverValues(source: RunSource, metric: string, bridge: string): Promise<RowValues | undefined> {
  const { from, to, origin } = windowParams(source, 'server');
  const rows = await source.db.rows<{ value: number; unit: string; t: number }>(
    `SELECT value, '' AS unit, ((epoch_us(time) / 1000.0 - $origin) / 1000.0)::DOUBLE AS t
     FROM samples WHERE metric = $metric AND bridge = $bridge AND (meta->>'bot') IS NULL AND ${IN_WINDOW} ORDER BY time`,
    { metric, bridge, from, to, origin },
  );
  return toRowValues(rows);
}

/**
 * All bridges' series of a server metric added up (or averaged) per poll: samples fall into slots
 * of the median poll interval, and a slot counts only when every bridge reported in it.
 */
async function serverTotal(source: RunSource, metric: string, how: 'sum' | 'mean'): Promise<RowValues | undefined> {
  const { from, to, origin } = windowParams(source, 'server');
  const rows = await source.db.rows<{ value: number; unit: string; t: number }>(
    `WITH s AS (
       SELECT bridge, epoch_us(time) / 1000.0 AS ms, value FROM samples
       WHERE metric = $metric AND bridge IS NOT NULL AND (meta->>'bot') IS NULL AND ${IN_WINDOW}),
     interval AS (
       SELECT coalesce(median(gap), 1000) AS ms FROM (SELECT ms - lag(ms) OVER (PARTITION BY bridge ORDER BY ms) AS gap FROM s) WHERE gap > 0),
     per_bridge AS (
       SELECT bridge, floor((s.ms - $origin) / interval.ms) AS slot, avg(value) AS value FROM s, interval GROUP BY ALL),
     bridges AS (SELECT count(DISTINCT bridge) AS n FROM s)
     SELECT ${how === 'sum' ? 'sum' : 'avg'}(value)::DOUBLE AS value, '' AS unit, (slot * any_value(interval.ms) / 1000.0)::DOUBLE AS t
     FROM per_bridge, interval, bridges GROUP BY slot HAVING count(*) = any_value(bridges.n) ORDER BY slot`,
    { metric, from, to, origin },
  );
  return toRowValues(rows);
}

/** A category counter as one indicator series per category: 1 when a bot's sample names it. */
async function categoryValues(source: RunSource, metric: string, tag: string): Promise<Map<string, RowValues>> {
  const { from, to, origin } = windowParams(source, 'client');
  const rows = await source.db.rows<{ category: string; unit: string; t: number }>(
    `SELECT coalesce(json_extract_string(tags, '$.' || $tag), 'unknown') AS category, coalesce(meta->>'bot', agent, '') AS unit,
            ((epoch_us(time) / 1000.0 - $origin) / 1000.0)::DOUBLE AS t
     FROM samples WHERE metric = $metric AND ${IN_WINDOW} ORDER BY time`,
    { metric, tag, from, to, origin },
  );
  const categories = [...new Set(rows.map((r) => r.category))];
  const result = new Map<string, RowValues>();
  for (const category of categories) {
    const values = toRowValues(rows.map((r) => ({ value: r.category === category ? 1 : 0, unit: r.unit, t: r.t })));
    if (values) result.set(category, values);
  }
  return result;
}

/** Figures that make runs of different sizes comparable. */
async function normalisedRows(sources: RunSource[], facts: RunFacts[], resamples: number): Promise<NormalisedRow[]> {
  const rows: NormalisedRow[] = [];
  const totals = (metric: string): Promise<(RowValues | undefined)[]> =>
    Promise.all(sources.map(async (s, i) => (facts[i]!.metrics.includes(metric) ? serverTotal(s, metric, 'sum') : undefined)));
  const perUnit: { metric: string; label: string; unit: string }[] = [
    { metric: 'jvb_download_kbps', label: 'server bitrate received', unit: 'kbps' },
    { metric: 'jvb_upload_kbps', label: 'server bitrate sent', unit: 'kbps' },
    { metric: 'pod_cpu_cores', label: 'server CPU', unit: 'cores' },
  ];
  for (const { metric, label, unit } of perUnit) {
    const series = await totals(metric);
    if (series.filter((s) => s !== undefined).length < 2) continue;
    for (const per of ['participant', 'conference'] as const) {
      const scaled = series.map((values, i) => {
        const count = per === 'participant' ? facts[i]!.joinedBots : facts[i]!.conferences;
        return values && count > 0 ? scaleValues(values, 1 / count) : undefined;
      });
      rows.push(normalisedRow(`${metric}/${per}`, `${label} per ${per}`, `${unit}/${per}`, 'lower', scaled, resamples));
    }
  }
  const relaySent = await totals('jvb_relay_send_bps');
  const endpointSent = await totals('jvb_upload_kbps');
  if (relaySent.some((s) => s !== undefined)) {
    const shares = sources.map((_, i) => {
      const relay = relaySent[i];
      const sent = endpointSent[i];
      if (!relay || !sent) return null;
      const relayBps = mean(relay.sorted);
      const total = relayBps + mean(sent.sorted) * 1000;
      return total > 0 ? relayBps / total : null;
    });
    rows.push(fixedRow('relay-share', 'relay share of the traffic bridges send', 'ratio', 'lower', shares));
  }
  const balance = await Promise.all(sources.map(endpointBalance));
  if (balance.some((b) => b !== null)) rows.push(fixedRow('endpoint-balance', 'endpoints per bridge, max/mean', 'ratio', 'lower', balance));
  return rows;
}

function normalisedRow(id: string, label: string, unit: string, better: Better, values: (RowValues | undefined)[], resamples: number): NormalisedRow {
  const baseline = values[0];
  return {
    id,
    label,
    unit,
    better,
    runs: values.map((v) => (v ? mean(v.sorted) : null)),
    versus: values.map((v, i) => {
      if (i === 0 || !v || !baseline) return null;
      const test = differenceTest(baseline.observations, v.observations, { statistic: 'mean', resamples, seed: seedOf(`${id}#${i}`), level: COMPARISON_LEVEL });
      return { delta: delta(mean(baseline.sorted), mean(v.sorted)), ...tested(test, better) };
    }),
  };
}

/** A figure that is a ratio of means: deltas, no test. */
function fixedRow(id: string, label: string, unit: string, better: Better, runs: (number | null)[]): NormalisedRow {
  const base = runs[0];
  return {
    id,
    label,
    unit,
    better,
    runs,
    versus: runs.map((value, i) =>
      i === 0 || value === null || base === null || base === undefined
        ? null
        : { delta: delta(base, value), test: undefined, verdict: 'not tested' as const, untestable: 'a ratio of means, without a test' },
    ),
  };
}

function scaleValues(values: RowValues, factor: number): RowValues {
  const { observations } = values;
  return {
    observations: { ...observations, values: Float64Array.from(observations.values, (v) => v * factor) },
    sorted: values.sorted.map((v) => v * factor),
  };
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** max/mean over bridges of each bridge's mean local endpoints after the warm-up. */
async function endpointBalance(source: RunSource): Promise<number | null> {
  const { from, to } = windowParams(source, 'server');
  const rows = await source.db.rows<{ endpoints: number }>(
    `SELECT avg(value)::DOUBLE AS endpoints FROM samples
     WHERE metric = 'jvb_local_endpoints' AND bridge IS NOT NULL AND ${IN_WINDOW} GROUP BY bridge`,
    { from, to },
  );
  if (rows.length === 0) return null;
  const average = rows.reduce((s, r) => s + r.endpoints, 0) / rows.length;
  return average > 0 ? Math.max(...rows.map((r) => r.endpoints)) / average : null;
}

function thresholdRows(sources: RunSource[]): ThresholdRow[] {
  const rows = new Map<string, ThresholdRow>();
  sources.forEach((source, i) => {
    const evaluated = source.summary?.thresholds.map((t) => ({ key: t.key, expression: t.expression, unit: t.unit, result: { passed: t.passed, observed: t.observed } }));
    // A killed run has no summary: its thresholds were declared but never evaluated.
    const declared = (source.run.thresholds ?? []).map((line) => {
      const split = line.indexOf(': ');
      return { key: line.slice(0, split), expression: line.slice(split + 2), unit: '', result: null };
    });
    for (const { key, expression, unit, result } of evaluated ?? declared) {
      const id = `${key} ${expression}`;
      let row = rows.get(id);
      if (!row) rows.set(id, (row = { key, expression, unit, runs: sources.map(() => null) }));
      if (row.unit === '') row.unit = unit;
      row.runs[i] = result;
    }
  });
  return [...rows.values()];
}

async function placementOf(source: RunSource): Promise<RunPlacement> {
  const [counts] = await source.db.rows<{ debug: number; bot: number }>(
    `SELECT count(*) FILTER (WHERE source = 'debug')::DOUBLE AS debug, count(*) FILTER (WHERE source = 'bot')::DOUBLE AS bot FROM placement`,
  );
  const kind = counts && counts.debug > 0 ? 'debug' : counts && counts.bot > 0 ? 'bot' : 'none';
  const maxSimultaneousSplit = source.run.placement?.maxSimultaneousSplit;
  if (kind === 'none') return { source: kind, bridges: [], splitConferences: 0, maxSimultaneousSplit, relays: [] };
  const bridges = await source.db.rows<{ bridge: string; conferences: number; endpoints: number }>(
    `SELECT bridge, count(DISTINCT conference)::DOUBLE AS conferences, count(DISTINCT endpoint)::DOUBLE AS endpoints
     FROM placement WHERE source = $kind GROUP BY bridge ORDER BY bridge`,
    { kind },
  );
  const [split] = await source.db.rows<{ n: number }>(
    `SELECT count(*)::DOUBLE AS n FROM (SELECT conference FROM placement WHERE source = $kind GROUP BY conference HAVING count(DISTINCT bridge) > 1)`,
    { kind },
  );
  const relays = await source.db.rows<{ bridge: string; relay: string }>(
    `SELECT DISTINCT bridge, relay FROM (
       SELECT bridge, unnest(from_json(relays, '["VARCHAR"]')) AS relay FROM placement WHERE source = 'debug' AND relays IS NOT NULL)
     ORDER BY bridge, relay`,
  );
  return { source: kind, bridges, splitConferences: split?.n ?? 0, maxSimultaneousSplit, relays };
}
