import { metricInfo } from '../metrics/names.js';
import type { MetricType } from '../metrics/sample.js';
import { parseDuration } from '../duration.js';
import type { Aggregation, ThresholdDefinition, ThresholdExpression, ThresholdOperator } from './types.js';
import { SUPPORTED_AGGREGATIONS } from '../metrics/aggregators.js';

/** A threshold entry as written in a scenario: an expression, or k6's object form. */
export type ThresholdSpec =
  | string
  | { threshold: string; abortOnFail?: boolean | undefined; delayAbortEval?: string | number | undefined };

/**
 * Thrown for a malformed key or expression. `part` says which: a bad key is reported at the key's
 * line, a bad expression at the entry's line.
 */
export class ThresholdSyntaxError extends Error {
  override readonly name = 'ThresholdSyntaxError';
  constructor(
    readonly part: 'key' | 'expression',
    message: string,
  ) {
    super(message);
  }
}

const METRIC_NAME = /^[a-z_][a-z0-9_]*$/;
const TAG_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const KEY_PATTERN = /^\s*([^{\s]+)\s*(?:\{(.*)\})?\s*$/;
const EXPRESSION_PATTERN =
  /^\s*(avg|min|max|med|count|rate|value|sum|p\(\s*([0-9]+(?:\.[0-9]+)?)\s*\))\s*(===|==|!=|<=|>=|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*$/;

/** Which aggregations make sense per metric type (k6's rules; counters also get a per-second rate). */
/** Aggregations each metric type supports, as written in a threshold (`p(N)` for percentiles). */
const written = (type: MetricType): readonly string[] => SUPPORTED_AGGREGATIONS[type].map((k) => (k === 'p' ? 'p(N)' : k));
export const AGGREGATIONS_BY_TYPE: Readonly<Record<MetricType, readonly string[]>> = {
  rate: written('rate'),
  counter: written('counter'),
  trend: written('trend'),
  gauge: written('gauge'),
};
const ALL_AGGREGATIONS = 'avg, min, max, med, p(N), value, count, sum, rate';

/** `metric` or `metric{tag:value,tag2:value}` → metric name and tag filter. */
export function parseThresholdKey(key: string): { metric: string; tagFilter: Record<string, string> } {
  const match = KEY_PATTERN.exec(key);
  const metric = match?.[1];
  if (!match || metric === undefined) {
    throw new ThresholdSyntaxError('key', `invalid threshold key ${JSON.stringify(key)}; expected metric or metric{tag:value}`);
  }
  if (!metricInfo(metric) && !METRIC_NAME.test(metric)) {
    throw new ThresholdSyntaxError(
      'key',
      `invalid metric name ${JSON.stringify(metric)}; metric names match ^[a-z_][a-z0-9_]*$`,
    );
  }
  const tagFilter: Record<string, string> = {};
  const selector = match[2];
  if (selector !== undefined) {
    if (selector.trim() === '') {
      throw new ThresholdSyntaxError('key', `empty tag selector in ${JSON.stringify(key)}; expected metric{tag:value}`);
    }
    for (const pair of selector.split(',')) {
      const colon = pair.indexOf(':');
      const tag = pair.slice(0, colon).trim();
      const value = pair.slice(colon + 1).trim();
      if (colon < 0 || !TAG_NAME.test(tag) || value === '') {
        throw new ThresholdSyntaxError(
          'key',
          `invalid tag selector ${JSON.stringify(pair.trim())} in ${JSON.stringify(key)}; expected tag:value`,
        );
      }
      tagFilter[tag] = value;
    }
  }
  return { metric, tagFilter };
}

/**
 * Parses `p(95)<150`-style expressions. With `metricType` the aggregation is checked against what
 * that metric type supports; unknown (custom) metrics accept any aggregation.
 */
export function parseThresholdExpression(source: string, metricType?: MetricType): ThresholdExpression {
  const match = EXPRESSION_PATTERN.exec(source);
  if (!match) {
    throw new ThresholdSyntaxError(
      'expression',
      `invalid threshold ${JSON.stringify(source)}; expected AGGREGATION OPERATOR NUMBER such as p(95)<150, ` +
        `with aggregation one of ${metricType ? AGGREGATIONS_BY_TYPE[metricType].join(', ') : ALL_AGGREGATIONS} ` +
        `and operator one of < <= > >= == === !=`,
    );
  }
  const [, name = '', percentileText, operator = '', valueText = ''] = match;
  let aggregation: Aggregation;
  if (percentileText !== undefined) {
    const percentile = Number(percentileText);
    if (!(percentile > 0 && percentile <= 100)) {
      throw new ThresholdSyntaxError(
        'expression',
        `invalid percentile in ${JSON.stringify(source)}; p(N) needs 0 < N ≤ 100`,
      );
    }
    aggregation = { kind: 'p', percentile };
  } else {
    aggregation = { kind: name as Exclude<Aggregation['kind'], 'p'> };
  }
  if (metricType) {
    const allowed = AGGREGATIONS_BY_TYPE[metricType];
    const label = aggregation.kind === 'p' ? 'p(N)' : aggregation.kind;
    if (!allowed.includes(label)) {
      throw new ThresholdSyntaxError(
        'expression',
        `aggregation ${aggregation.kind === 'p' ? `p(${aggregation.percentile})` : label} does not apply to a ` +
          `${metricType} metric in ${JSON.stringify(source)}; use one of ${allowed.join(', ')}`,
      );
    }
  }
  return { source, aggregation, operator: operator as ThresholdOperator, value: Number(valueText) };
}

/** One scenario threshold entry → its definition. Throws ThresholdSyntaxError (or RangeError for a bad delay). */
export function parseThreshold(key: string, spec: ThresholdSpec): ThresholdDefinition {
  const { metric, tagFilter } = parseThresholdKey(key);
  const entry = typeof spec === 'string' ? { threshold: spec } : spec;
  const expression = parseThresholdExpression(entry.threshold, metricInfo(metric)?.type);
  return {
    key,
    metric,
    tagFilter,
    expression,
    abortOnFail: entry.abortOnFail ?? false,
    delayAbortEvalMs: entry.delayAbortEval === undefined ? 0 : parseDuration(entry.delayAbortEval),
  };
}
