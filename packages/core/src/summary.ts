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
