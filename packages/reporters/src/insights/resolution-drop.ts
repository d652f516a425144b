import type { Insight } from '@jlt/core';
import { groupBy } from './group-by.js';
import { sinceStart, type InsightContext } from './insight-context.js';

/** Received frame height is compared over windows of this length (median over the conference's bots). */
export const RESOLUTION_WINDOW_MS = 10_000;
/** A drop: the window's median height is at most this share of the best earlier window's. */
export const RESOLUTION_DROP_SHARE = 0.75;

interface WindowRow {
  conference: string;
  start: number;
  height: number;
  participants: number;
}

/**
 * Rule `resolution-drop` (warning): in a conference, the median received frame height of a 10 s
 * window falls to 75 % or less of the best earlier window while the conference has more bots
 * receiving than it had then — what the study saw as rooms grew (720p down to 180p). Reports when
 * it started and the lowest height reached afterwards.
 */
export async function resolutionDrops(context: InsightContext): Promise<Insight[]> {
  const windows = await context.reader.rows<WindowRow>(
    `WITH heights AS (
       SELECT conference, epoch_us(time) // ${RESOLUTION_WINDOW_MS * 1000} AS w, value, meta::VARCHAR AS meta
       FROM samples WHERE metric = 'webrtc_recv_frame_height' AND conference IS NOT NULL AND value > 0
     ), medians AS (
       SELECT conference, w, quantile_cont(value, 0.5) AS height FROM heights GROUP BY ALL
     ), receivers AS (
       -- Distinct meta texts first (a bot has one or two), so JSON is read per bot and window.
       SELECT conference, w, count(DISTINCT json_extract_string(meta, '$.bot')) AS participants
       FROM (SELECT DISTINCT conference, w, meta FROM heights) GROUP BY ALL
     )
     SELECT conference, (w * ${RESOLUTION_WINDOW_MS})::DOUBLE AS start, height::DOUBLE AS height, participants::DOUBLE AS participants
     FROM medians JOIN receivers USING (conference, w) ORDER BY conference, start`,
  );
  const byConference = groupBy(windows, (w) => w.conference);
  const insights: Insight[] = [];
  for (const [conference, rows] of byConference) {
    let best: WindowRow | undefined;
    let drop: { from: WindowRow; at: WindowRow; lowest: WindowRow } | undefined;
    for (const row of rows) {
      if (drop) {
        if (row.height < drop.lowest.height) drop.lowest = row;
        continue;
      }
      if (best && row.height <= RESOLUTION_DROP_SHARE * best.height && row.participants > best.participants) {
        drop = { from: best, at: row, lowest: row };
        continue;
      }
      if (!best || row.height > best.height) best = row;
    }
    if (!drop) continue;
    const { from, at, lowest } = drop;
    insights.push({
      rule: 'resolution-drop',
      severity: 'warning',
      subject: conference,
      time: at.start,
      message:
        `received video in ${conference} fell from ${Math.round(from.height)} px to ${Math.round(at.height)} px at ${sinceStart(context, at.start)} ` +
        `as it grew from ${from.participants} to ${at.participants} receiving bots` +
        (lowest.height < at.height ? `, down to ${Math.round(lowest.height)} px at ${sinceStart(context, lowest.start)}` : '') +
        ` (${Math.round((100 * (lowest.height - from.height)) / from.height)} %; median height per 10 s).`,
    });
  }
  return insights;
}
