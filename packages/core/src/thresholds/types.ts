/**
 * A threshold as parsed from the scenario (k6 syntax). Parsing lives in parse.ts (a malformed
 * expression is a ConfigError with file:line); evaluation lives in evaluate.ts and works on raw
 * samples or mergeable sketches, never on averaged percentiles.
 */
export type Aggregation =
  | { kind: 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | 'value' | 'sum' }
  | { kind: 'p'; percentile: number };

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ThresholdExpression {
  /** The expression as written, e.g. `p(95)<150`. */
  source: string;
  aggregation: Aggregation;
  operator: ThresholdOperator;
  value: number;
}

export interface ThresholdDefinition {
  /** The key as written, e.g. `webrtc_rtt_ms{bridge:jvb-1}`. */
  key: string;
  metric: string;
  /** Only samples whose tags include all of these count, k6's `metric{tag:value}` selector. */
  tagFilter: Readonly<Record<string, string>>;
  expression: ThresholdExpression;
  /** End the run as soon as this threshold fails (after `delayAbortEvalMs`). */
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

export interface ThresholdResult {
  definition: ThresholdDefinition;
  passed: boolean;
  /** The aggregated value compared; undefined when the metric had no samples (which fails). */
  observed: number | undefined;
}
