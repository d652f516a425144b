import { type AnyAggregator, formatAggregation } from './metrics/aggregators.js';
import { type MetricInfo, metricInfo } from './metrics/names.js';
import type { MetricRegistry } from './metrics/registry.js';
import type { RunStatus } from './outputs/output.js';
import type { ThresholdResult } from './thresholds/types.js';

/** Version of the summary's JSON shape, bumped on incompatible changes. */
export const SUMMARY_FORMAT_VERSION = 1;

type Unit = MetricInfo['unit'];

export interface DistributionSummary {
  type: 'trend' | 'gauge';
  unit: Unit;
  count: number;
  avg: number;
  min: number;
  med: number;
  max: number;
  'p(90)': number;
  'p(95)': number;
  /** Gauges only: the latest value. */
  value?: number;
}

export interface RateSummary {
  type: 'rate';
  unit: Unit;
  rate: number;
  passes: number;
  fails: number;
}

export interface CounterSummary {
  type: 'counter';
  unit: Unit;
  count: number;
  /** Per second over the run's duration. */
  rate: number;
}

export type MetricSummary = DistributionSummary | RateSummary | CounterSummary;

export interface ThresholdSummary {
  key: string;
  /** The expression as written, e.g. `p(95)<150`. */
  expression: string;
  /** The aggregation compared, e.g. `p(95)`. */
  aggregation: string;
  unit: Unit;
  passed: boolean;
  /** Null when the metric had no samples. */
  observed: number | null;
}

export interface BotCounts {
  planned: number;
  joined: number;
  failed: number;
}

export interface SummaryMeta {
  scenario: string;
  runId: string;
  /** Run start, ms since the epoch on the coordinator clock. */
  startedAt: number;
  durationMs: number;
  status?: RunStatus;
}

/** The end-of-test summary: plain JSON, so outputs can write it and `jlt report` can reread it. */
export interface Summary {
  formatVersion: typeof SUMMARY_FORMAT_VERSION;
  meta: SummaryMeta;
  bots: BotCounts;
  thresholds: ThresholdSummary[];
  /** Every metric with samples, by name, in name order. */
  metrics: Record<string, MetricSummary>;
  /** Samples refused for non-finite values; non-zero means a producer is broken. */
  droppedSamples: number;
}

export function buildSummary(
  registry: MetricRegistry,
  thresholdResults: readonly ThresholdResult[],
  bots: BotCounts,
  meta: SummaryMeta,
): Summary {
  const metrics: Record<string, MetricSummary> = {};
  for (const name of registry.metrics()) {
    const merged = registry.merged(name);
    if (merged && merged.samples > 0) metrics[name] = summarizeMetric(merged, unitOf(name), meta.durationMs);
  }
  return {
    formatVersion: SUMMARY_FORMAT_VERSION,
    meta: { ...meta },
    bots: { ...bots },
    thresholds: thresholdResults.map((r) => ({
      key: r.definition.key,
      expression: r.definition.expression.source,
      aggregation: formatAggregation(r.definition.expression.aggregation),
      unit: unitOf(r.definition.metric),
      passed: r.passed,
      observed: r.observed ?? null,
    })),
    metrics,
    droppedSamples: registry.droppedCount,
  };
}

function unitOf(metric: string): Unit {
  return metricInfo(metric)?.unit ?? '';
}

/** `aggregator` has at least one sample, so every statistic below is defined. */
function summarizeMetric(aggregator: AnyAggregator, unit: Unit, durationMs: number): MetricSummary {
  switch (aggregator.type) {
    case 'rate':
      return {
        type: 'rate',
        unit,
        rate: aggregator.passes / aggregator.samples,
        passes: aggregator.passes,
        fails: aggregator.fails,
      };
    case 'counter':
      return {
        type: 'counter',
        unit,
        count: aggregator.total,
        rate: durationMs > 0 ? aggregator.total / (durationMs / 1000) : 0,
      };
    case 'trend':
    case 'gauge': {
      const sketch = aggregator.sketch;
      return {
        type: aggregator.type,
        unit,
        count: sketch.count,
        avg: sketch.avg!,
        min: sketch.min!,
        med: sketch.quantile(0.5)!,
        max: sketch.max!,
        'p(90)': sketch.quantile(0.9)!,
        'p(95)': sketch.quantile(0.95)!,
        ...(aggregator.type === 'gauge' && aggregator.last !== undefined ? { value: aggregator.last } : {}),
      };
    }
  }
}

export interface FormatSummaryOptions {
  /** ANSI colours (green ✓, red ✗, dim dots), for a terminal. */
  color: boolean;
}

/** The summary as text for the terminal, in k6's layout: thresholds first, then aligned metric lines. */
export function formatSummary(summary: Summary, options: FormatSummaryOptions): string {
  const paint = (code: string) => (text: string) => (options.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const green = paint('32');
  const red = paint('31');
  const dim = paint('2');
  const bold = paint('1');
  const lines: string[] = [];
  const { meta, bots } = summary;
  const status = meta.status === undefined ? '' : ` · ${meta.status === 'passed' ? green(meta.status) : red(meta.status)}`;
  lines.push(`  ${bold(meta.scenario)} ${dim(`· run ${meta.runId} · ${formatDuration(meta.durationMs)}`)}${status}`, '');

  if (summary.thresholds.length > 0) {
    lines.push(`  ${bold('THRESHOLDS')}`, '');
    const byKey = new Map<string, ThresholdSummary[]>();
    for (const t of summary.thresholds) byKey.set(t.key, [...(byKey.get(t.key) ?? []), t]);
    for (const [key, thresholds] of byKey) {
      lines.push(`    ${key}`);
      for (const t of thresholds) {
        const mark = t.passed ? green('✓') : red('✗');
        const observed =
          t.observed === null ? 'no samples' : formatThresholdValue(t.aggregation, t.observed, t.unit);
        lines.push(`    ${mark} '${t.expression}' ${dim(`${t.aggregation}=`)}${observed}`);
      }
      lines.push('');
    }
  }

  lines.push(`  ${bold('BOTS')}`, '');
  const failedBots = bots.failed > 0 ? red(String(bots.failed)) : String(bots.failed);
  lines.push(`    planned: ${bots.planned}  joined: ${bots.joined}  failed: ${failedBots}`, '');

  const names = Object.keys(summary.metrics);
  if (names.length > 0) {
    lines.push(`  ${bold('METRICS')}`, '');
    const width = Math.max(...names.map((n) => n.length)) + 3;
    for (const name of names) {
      const metric = summary.metrics[name];
      if (!metric) continue;
      lines.push(`    ${name}${dim('.'.repeat(width - name.length))}: ${formatMetricValues(metric, dim)}`);
    }
    lines.push('');
  }
  if (summary.droppedSamples > 0)
    lines.push(`  ${red(`${summary.droppedSamples} samples were dropped for non-finite values`)}`, '');
  return lines.join('\n');
}

function formatMetricValues(metric: MetricSummary, dim: (text: string) => string): string {
  switch (metric.type) {
    case 'rate':
      return `${formatPercent(metric.rate)} ${dim(`${metric.passes} out of ${metric.passes + metric.fails}`)}`;
    case 'counter':
      return `${formatNumber(metric.count)} ${dim(`${formatNumber(metric.rate)}/s`)}`;
    case 'trend':
    case 'gauge': {
      const stats: [string, number][] = [
        ...(metric.value === undefined ? [] : ([['value', metric.value]] as [string, number][])),
        ['avg', metric.avg],
        ['min', metric.min],
        ['med', metric.med],
        ['max', metric.max],
        ['p(90)', metric['p(90)']],
        ['p(95)', metric['p(95)']],
      ];
      return stats.map(([label, v]) => `${dim(`${label}=`)}${formatValue(v, metric.unit)}`).join(' ');
    }
  }
}

function formatThresholdValue(aggregation: string, value: number, unit: Unit): string {
  if (aggregation === 'rate' && unit === '') return formatPercent(value);
  if (aggregation === 'count' || aggregation === 'rate') return formatNumber(value);
  return formatValue(value, unit);
}

/** A value in its metric's unit, scaled for reading: `1.25s`, `42.10ms`, `1.5 GB`, `830.20 kbps`. */
export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return formatMilliseconds(value);
    case 'bytes':
      return formatBytes(value);
    case '':
    case 'count':
    case 'ratio':
      return formatNumber(value);
    default:
      return `${formatNumber(value)} ${unit}`;
  }
}

function formatMilliseconds(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 60_000) return formatDuration(ms);
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (abs >= 1 || abs === 0) return `${ms.toFixed(2)}ms`;
  return `${(ms * 1000).toFixed(2)}µs`;
}

function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let index = 0;
  while (Math.abs(value) >= 1000 && index < units.length - 1) {
    value /= 1000;
    index++;
  }
  return `${index === 0 ? String(value) : value.toFixed(1)} ${units[index]}`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}
