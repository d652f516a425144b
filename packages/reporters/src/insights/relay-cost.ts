import type { Insight } from '@jlt/core';
import type { InsightContext } from './insight-context.js';

/** Each group needs this many RTT samples on a bridge before the two are compared. */
export const RELAY_COST_MIN_SAMPLES = 30;
/** A warning rather than context when split conferences' median RTT is higher by more than both. */
export const RELAY_COST_WARN_SHARE = 0.5;
export const RELAY_COST_WARN_MS = 20;

interface GroupRow {
  bridge: string;
  split: boolean;
  median: number;
  n: number;
}

/**
 * Rule `relay-cost` (info; warning above +50 % and +20 ms): per bridge, the median RTT of bots in
 * conferences that were split across bridges (the bridges' `/debug` placed their endpoints on two
 * or more bridges at some time) against bots in conferences that were not — what relaying costs the
 * clients. Needs both kinds of conference on the bridge, with 30 RTT samples each.
 */
export async function relayCost(context: InsightContext): Promise<Insight[]> {
  const rows = await context.reader.rows<GroupRow>(
    `WITH split AS (
       SELECT conference FROM placement WHERE source = 'debug' GROUP BY conference HAVING count(DISTINCT bridge) >= 2
     )
     SELECT bridge, conference IN (SELECT conference FROM split) AS split,
            quantile_cont(value, 0.5)::DOUBLE AS median, count(*)::DOUBLE AS n
     FROM samples WHERE metric = 'webrtc_rtt_ms' AND bridge IS NOT NULL AND conference IS NOT NULL
     GROUP BY ALL ORDER BY bridge`,
  );
  const insights: Insight[] = [];
  const bridges = [...new Set(rows.map((r) => r.bridge))];
  for (const bridge of bridges) {
    const split = rows.find((r) => r.bridge === bridge && r.split);
    const whole = rows.find((r) => r.bridge === bridge && !r.split);
    if (!split || !whole || split.n < RELAY_COST_MIN_SAMPLES || whole.n < RELAY_COST_MIN_SAMPLES) continue;
    const extra = split.median - whole.median;
    const share = whole.median > 0 ? extra / whole.median : 0;
    const costly = extra > RELAY_COST_WARN_MS && share > RELAY_COST_WARN_SHARE;
    insights.push({
      rule: 'relay-cost',
      severity: costly ? 'warning' : 'info',
      subject: bridge,
      message:
        `on ${bridge}, bots in split conferences had a median RTT of ${Math.round(split.median)} ms against ${Math.round(whole.median)} ms in unsplit ones ` +
        `(${extra >= 0 ? '+' : ''}${Math.round(extra)} ms, ${share >= 0 ? '+' : ''}${Math.round(100 * share)} %; ${split.n} and ${whole.n} samples).`,
    });
  }
  return insights;
}
