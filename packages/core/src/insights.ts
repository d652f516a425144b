/**
 * A finding about a run, computed once from its results store (packages/reporters) and shown in the
 * end summary, the HTML report and JUnit. Each rule has a stated threshold, documented in the README.
 */
export interface Insight {
  /** Stable rule id: `saturated-agent`, `oversubscribed-agent`, `server-memory-retained`, `resolution-drop`, `relay-cost`,
   * `placement-disagreement`, `collector-gap`. */
  rule: string;
  /**
   * `untrustworthy`: the run's numbers cannot be trusted (report banner, summary warning, a failing
   * JUnit test case); `warning`: worth a look; `info`: context for the reader.
   */
  severity: 'untrustworthy' | 'warning' | 'info';
  /** One sentence for people, with the figures that made the rule fire. */
  message: string;
  /** What it is about: an agent, bridge or conference id. */
  subject?: string;
  /** When it happened or started, ms since the epoch on the coordinator clock. */
  time?: number;
}

/** An output that failed during the run, as the summary, the report and run.json list it. */
export interface OutputFailureRecord {
  output: string;
  phase: string;
  message: string;
}
