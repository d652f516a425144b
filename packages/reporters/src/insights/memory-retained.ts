import type { Insight } from '@jlt/core';
import { sinceStart, type InsightContext } from './insight-context.js';

/** Bridge memory metrics, in order of preference: the pod's working set from Prometheus. */
export const BRIDGE_MEMORY_METRICS = ['pod_memory_bytes'] as const;
/** Retained when memory after the last conference exceeds the pre-run level by more than both of these. */
export const RETAINED_MIN_BYTES = 50e6;
export const RETAINED_MIN_SHARE = 0.1;

interface BridgeRow {
  bridge: string;
  metric: string;
  /** First and last time the bridge hosted a conference, and the first time after that it hosted none. */
  firstBusy: number | null;
  emptyAgain: number | null;
  before: number | null;
  beforeN: number;
  after: number | null;
  afterN: number;
}

/**
 * Rule `server-memory-retained` (warning): a bridge whose memory after its last conference ended
 * (median of the samples from the first `jvb_conferences` = 0 after the last busy one) is above its
 * pre-run level (median of the samples before its first conference) by more than 50 MB and more than
 * 10 %. The study saw this and could not tell why; the rule needs memory samples before the first
 * conference and after the last one, and a bridge whose conferences outlast the run is not judged.
 */
export async function memoryRetained(context: InsightContext): Promise<Insight[]> {
  const metrics = BRIDGE_MEMORY_METRICS.map((m) => `'${m}'`).join(', ');
  const rows = await context.reader.rows<BridgeRow>(
    `WITH conf AS (
       SELECT bridge, epoch_us(time) AS us, value FROM samples WHERE metric = 'jvb_conferences' AND agent IS NULL AND bridge IS NOT NULL
     ), busy AS (
       SELECT bridge, min(us) FILTER (WHERE value > 0) AS first_busy, max(us) FILTER (WHERE value > 0) AS last_busy FROM conf GROUP BY bridge
     ), idle AS (
       SELECT c.bridge, min(c.us) AS empty_again FROM conf c JOIN busy b USING (bridge) WHERE c.us > b.last_busy AND c.value = 0 GROUP BY c.bridge
     ), mem AS (
       SELECT bridge, metric, epoch_us(time) AS us, value FROM samples WHERE metric IN (${metrics}) AND agent IS NULL AND bridge IS NOT NULL
     )
     SELECT m.bridge, m.metric,
            (b.first_busy / 1000.0)::DOUBLE AS firstBusy, (i.empty_again / 1000.0)::DOUBLE AS emptyAgain,
            quantile_cont(m.value, 0.5) FILTER (WHERE m.us < b.first_busy)::DOUBLE AS before,
            count(*) FILTER (WHERE m.us < b.first_busy)::DOUBLE AS beforeN,
            quantile_cont(m.value, 0.5) FILTER (WHERE m.us >= i.empty_again)::DOUBLE AS after,
            count(*) FILTER (WHERE m.us >= i.empty_again)::DOUBLE AS afterN
     FROM mem m JOIN busy b USING (bridge) LEFT JOIN idle i USING (bridge)
     GROUP BY ALL ORDER BY m.bridge, m.metric`,
  );
  const insights: Insight[] = [];
  const judged = new Set<string>();
  for (const row of rows) {
    if (judged.has(row.bridge) || row.before === null || row.after === null || row.emptyAgain === null) continue;
    judged.add(row.bridge);
    const growth = row.after - row.before;
    if (!(growth > RETAINED_MIN_BYTES && growth > RETAINED_MIN_SHARE * row.before)) continue;
    insights.push({
      rule: 'server-memory-retained',
      severity: 'warning',
      subject: row.bridge,
      time: row.emptyAgain,
      message:
        `bridge ${row.bridge} kept ${mb(growth)} more memory after its last conference ended (${sinceStart(context, row.emptyAgain)}) ` +
        `than before the run: ${mb(row.after)} against ${mb(row.before)} (+${Math.round((100 * growth) / row.before)} %; ${row.metric}, medians of ${row.afterN} and ${row.beforeN} samples; margin 50 MB and 10 %).`,
    });
  }
  return insights;
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1e6)} MB`;
}
