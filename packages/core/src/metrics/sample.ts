/**
 * Samples are the contract between agents, collectors and outputs.
 * Tags are low-cardinality (scenario, agent, bridge, conference, a bot's `mode` full or lite, plus a
 * few per-metric ones such as `reason`); anything per-bot or per-endpoint goes in `meta`, never in tags.
 */
export type MetricType = 'counter' | 'gauge' | 'trend' | 'rate';

export type Tags = Readonly<Record<string, string>>;

export interface Sample {
  metric: string;
  /** For `rate` metrics 1 (true) or 0 (false); otherwise the measured value in the metric's unit. */
  value: number;
  /** Milliseconds since the epoch on the coordinator's clock (agents convert before sending). */
  time: number;
  tags: Tags;
  meta?: Readonly<Record<string, string | number>>;
}

/** Something that happened once: a bot joined or failed, a browser crashed, a collector erred. */
export interface RunEvent {
  time: number;
  kind: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  tags?: Tags;
  meta?: Readonly<Record<string, string | number | boolean | null>>;
}
