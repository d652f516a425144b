import { JltError } from '../errors.js';
import { isAggregationSupported, unsupportedAggregationMessage } from '../metrics/aggregators.js';
import type { MetricRegistry } from '../metrics/registry.js';
import type { ThresholdDefinition, ThresholdOperator, ThresholdResult } from './types.js';

export interface EvaluateOptions {
  /** Time since the run started; the span of per-second rates and the clock of abort delays. */
  elapsedMs: number;
}

/** `observed <op> value`, k6's operators on numbers (`==` and `===` are the same here). */
export function compareThreshold(observed: number, operator: ThresholdOperator, value: number): boolean {
  switch (operator) {
    case '<':
      return observed < value;
    case '<=':
      return observed <= value;
    case '>':
      return observed > value;
    case '>=':
      return observed >= value;
    case '==':
    case '===':
      return observed === value;
    case '!=':
      return observed !== value;
  }
}

/**
 * One threshold against everything ingested so far. A metric without matching samples fails
 * (k6: a threshold on a metric nobody emitted is a broken test, not a passing one).
 */
export function evaluateThreshold(
  definition: ThresholdDefinition,
  registry: MetricRegistry,
  options: EvaluateOptions,
): ThresholdResult {
  const { aggregation, operator, value } = definition.expression;
  const observed = registry.aggregate(definition.metric, definition.tagFilter, aggregation, {
    spanMs: options.elapsedMs,
  });
  return { definition, observed, passed: observed !== undefined && compareThreshold(observed, operator, value) };
}

/** Every threshold, in the order given. */
export function evaluateThresholds(
  definitions: readonly ThresholdDefinition[],
  registry: MetricRegistry,
  options: EvaluateOptions,
): ThresholdResult[] {
  return definitions.map((definition) => evaluateThreshold(definition, registry, options));
}

/** Descriptions of thresholds that ask a metric for an aggregation its type does not have. */
export function findUnsupportedThresholds(
  definitions: readonly ThresholdDefinition[],
  registry: MetricRegistry,
): string[] {
  return definitions.flatMap((definition) => {
    const type = registry.typeOf(definition.metric);
    const aggregation = definition.expression.aggregation;
    return isAggregationSupported(type, aggregation)
      ? []
      : [`threshold ${definition.key}: ${unsupportedAggregationMessage(type, aggregation)}`];
  });
}

export interface ThresholdPoll {
  /** Every threshold's current state; a metric without samples yet shows as failing. */
  results: ThresholdResult[];
  /**
   * The `abortOnFail` thresholds that fail now on real samples and whose `delayAbortEvalMs` has
   * passed. Non-empty means the run must end with the abortedByThreshold status.
   */
  abort: ThresholdResult[];
}

/**
 * Evaluates thresholds while the run goes on (the coordinator polls it, e.g. every second) and once
 * at the end. Polling is synchronous and reads the registry only, so it can run between ingests.
 */
export class ThresholdEvaluator {
  readonly definitions: readonly ThresholdDefinition[];
  private readonly _registry: MetricRegistry;

  /** Throws a JltError listing every threshold whose aggregation its metric's type lacks. */
  constructor(definitions: readonly ThresholdDefinition[], registry: MetricRegistry) {
    const problems = findUnsupportedThresholds(definitions, registry);
    if (problems.length > 0)
      throw new JltError('INVALID_SCENARIO', problems.join('\n'), {
        hint: 'Change those threshold expressions to aggregations their metric types support.',
      });
    this.definitions = definitions;
    this._registry = registry;
  }

  poll(options: EvaluateOptions): ThresholdPoll {
    const results = evaluateThresholds(this.definitions, this._registry, options);
    const abort = results.filter(
      (r) =>
        r.definition.abortOnFail &&
        !r.passed &&
        r.observed !== undefined &&
        options.elapsedMs >= r.definition.delayAbortEvalMs,
    );
    return { results, abort };
  }

  /** The verdict at the end of the run: every threshold must pass, on samples. */
  final(options: EvaluateOptions): ThresholdResult[] {
    return evaluateThresholds(this.definitions, this._registry, options);
  }
}
