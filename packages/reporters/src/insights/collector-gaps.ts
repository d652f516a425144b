import type { Insight } from '@jlt/core';
import { seconds, sinceStart, type InsightContext } from './insight-context.js';

/** A gap: more than this many of the series' own intervals without a sample. */
export const GAP_INTERVALS = 3;
/** A series needs this many samples to have an interval. */
const MIN_SAMPLES = 4;

interface GapRow {
  series: string;
  bridge: string;
  interval: number;
  gaps: number;
  longest: number;
  longestFrom: number;
  last: number;
}

/**
 * Rule `collector-gap` (warning): a server-side series — a bridge's `/colibri/stats` polls (every
 * `jvb_*` sample of one poll counts once), or one Prometheus metric of a bridge — that went more
 * than 3 of its own intervals (the median time between its samples) without a sample, during the
 * run or between its last sample and the end of the run. Nothing is filled in; the charts show the hole.
 */
export async function collectorGaps(context: InsightContext): Promise<Insight[]> {
  const rows = await context.reader.rows<GapRow>(
    `WITH points AS (
       SELECT DISTINCT CASE WHEN starts_with(metric, 'jvb_') THEN '/colibri/stats' ELSE metric END AS series, bridge, epoch_us(time) AS us
       FROM samples WHERE agent IS NULL AND bridge IS NOT NULL
     ), deltas AS (
       SELECT series, bridge, us, us - lag(us) OVER (PARTITION BY series, bridge ORDER BY us) AS delta FROM points
     ), intervals AS (
       SELECT series, bridge, quantile_disc(delta, 0.5) AS interval, max(us) AS last, count(*) AS n FROM deltas GROUP BY ALL
     )
     SELECT d.series, d.bridge, (i.interval / 1000.0)::DOUBLE AS interval, (i.last / 1000.0)::DOUBLE AS last,
            count(*) FILTER (WHERE d.delta > ${GAP_INTERVALS} * i.interval)::DOUBLE AS gaps,
            (coalesce(max(d.delta) FILTER (WHERE d.delta > ${GAP_INTERVALS} * i.interval), 0) / 1000.0)::DOUBLE AS longest,
            (coalesce(arg_max(d.us - d.delta, d.delta) FILTER (WHERE d.delta > ${GAP_INTERVALS} * i.interval), 0) / 1000.0)::DOUBLE AS longestFrom
     FROM deltas d JOIN intervals i USING (series, bridge)
     WHERE i.n >= ${MIN_SAMPLES} AND i.interval > 0
     GROUP BY ALL ORDER BY d.bridge, d.series`,
  );
  const insights: Insight[] = [];
  for (const row of rows) {
    let { gaps, longest, longestFrom } = row;
    const tail = context.endMs - row.last;
    if (tail > GAP_INTERVALS * row.interval) {
      gaps += 1;
      if (tail > longest) [longest, longestFrom] = [tail, row.last];
    }
    if (gaps === 0) continue;
    insights.push({
      rule: 'collector-gap',
      severity: 'warning',
      subject: row.bridge,
      time: longestFrom,
      message:
        `${row.bridge} ${row.series}: ${gaps} gap${gaps === 1 ? '' : 's'} longer than ${GAP_INTERVALS} intervals of ${seconds(row.interval)}; ` +
        `the longest lasted ${seconds(longest)} from ${sinceStart(context, longestFrom)}.`,
    });
  }
  return insights;
}
