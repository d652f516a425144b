import type { Insight } from '@jlt/core';
import { millis, sinceStart, type InsightContext } from './insight-context.js';

/** The window every saturation figure is taken over; one starts at every health sample. */
export const SATURATION_WINDOW_MS = 10_000;
/** Saturated when an agent's mean CPU over a window exceeds this share of its cores… */
export const SATURATION_CPU_SHARE = 0.9;
/** …or the p95 of its event-loop lag over a window exceeds this. */
export const SATURATION_LAG_P95_MS = 100;
/** A window counts when it holds this many health samples (a run shorter than a window is one window). */
const MIN_WINDOW_SAMPLES = 5;

interface WindowRow {
  agent: string;
  metric: 'agent_cpu_cores' | 'agent_event_loop_lag_ms';
  start: number;
  mean: number;
  p95: number;
  n: number;
}

/**
 * Rule `saturated-agent`: an agent whose mean CPU over any 10 s window was above 90 % of its cores,
 * or whose event-loop lag p95 over any 10 s window was above 100 ms, measured late and sent late.
 * Windows slide: one starts at each health sample. CPU needs the agent's core count from the run
 * metadata; without it only the lag is checked.
 * Untrustworthy when a saturated window starts after the agent's last join attempt: its bots'
 * figures describe the load generator, not the target. Saturation only in windows that start while
 * its bots were still joining (launching browsers is the agent's heaviest moment) is a warning: it
 * may have delayed the joins, but not what the bots measured once in the conference.
 */
export async function saturatedAgents(context: InsightContext): Promise<Insight[]> {
  const windows = await context.reader.rows<WindowRow>(
    `WITH health AS (
       SELECT agent, metric, epoch_us(time) AS us, value FROM samples
       WHERE agent IS NOT NULL AND metric IN ('agent_cpu_cores', 'agent_event_loop_lag_ms')
     ), spans AS (
       SELECT agent, metric, max(us) - min(us) AS span FROM health GROUP BY ALL
     ), windows AS (
       SELECT agent, metric, us,
              avg(value) OVER w AS mean, quantile_cont(value, 0.95) OVER w AS p95, count(*) OVER w AS n,
              max(us) OVER w - us AS covered
       FROM health
       WINDOW w AS (PARTITION BY agent, metric ORDER BY us RANGE BETWEEN CURRENT ROW AND ${SATURATION_WINDOW_MS * 1000 - 1} FOLLOWING)
     )
     SELECT w.agent, w.metric, (w.us / 1000.0)::DOUBLE AS start, w.mean::DOUBLE AS mean, w.p95::DOUBLE AS p95, w.n::DOUBLE AS n
     FROM windows w JOIN spans s USING (agent, metric)
     WHERE w.n >= ${MIN_WINDOW_SAMPLES} AND (w.covered >= ${SATURATION_WINDOW_MS * 900} OR s.span < ${SATURATION_WINDOW_MS * 1000})
     ORDER BY w.agent, w.metric, w.us`,
  );
  const lastJoins = await context.reader.rows<{ agent: string; at: number }>(
    `SELECT agent, (epoch_us(max(time)) / 1000.0)::DOUBLE AS at FROM samples
     WHERE metric = 'bot_join_success' AND agent IS NOT NULL GROUP BY agent`,
  );
  const joiningUntil = new Map(lastJoins.map((row) => [row.agent, row.at]));
  const coresOf = new Map((context.meta.agents ?? []).flatMap((a) => (a.cores === undefined ? [] : [[a.id, a.cores] as const])));
  const byAgent = new Map<string, { joining: Saturation; joined: Saturation }>();
  for (const row of windows) {
    const phases = byAgent.get(row.agent) ?? { joining: {}, joined: {} };
    byAgent.set(row.agent, phases);
    const found = row.start < (joiningUntil.get(row.agent) ?? -Infinity) ? phases.joining : phases.joined;
    if (row.metric === 'agent_cpu_cores') {
      const cores = coresOf.get(row.agent);
      if (cores === undefined || !(row.mean > SATURATION_CPU_SHARE * cores)) continue;
      found.cpu ??= row;
      if (!found.cpuWorst || row.mean > found.cpuWorst.mean) found.cpuWorst = row;
    } else if (row.p95 > SATURATION_LAG_P95_MS) {
      found.lag ??= row;
      if (!found.lagWorst || row.p95 > found.lagWorst.p95) found.lagWorst = row;
    }
  }
  const insights: Insight[] = [];
  for (const [agent, { joining, joined }] of byAgent) {
    const cores = coresOf.get(agent);
    if (isSaturated(joined)) {
      const first = firstOf(joined);
      insights.push({
        rule: 'saturated-agent',
        severity: 'untrustworthy',
        subject: agent,
        time: first,
        message: `agent ${agent} was saturated from ${sinceStart(context, first)}: ${reasons(context, joined, cores)}. Its bots' numbers describe the load generator, not the target.`,
      });
    } else if (isSaturated(joining)) {
      const first = firstOf(joining);
      const until = joiningUntil.get(agent)!;
      insights.push({
        rule: 'saturated-agent',
        severity: 'warning',
        subject: agent,
        time: first,
        message: `agent ${agent} was saturated while its bots were joining (${sinceStart(context, first)} to ${sinceStart(context, until)}): ${reasons(context, joining, cores)}. Join times may include the load generator's delay; it was not saturated once its bots had joined.`,
      });
    }
  }
  return insights;
}

/** The first and the worst saturated window of one agent in one phase, per measure. */
interface Saturation {
  cpu?: WindowRow;
  cpuWorst?: WindowRow;
  lag?: WindowRow;
  lagWorst?: WindowRow;
}

const isSaturated = (found: Saturation): boolean => found.cpu !== undefined || found.lag !== undefined;
const firstOf = (found: Saturation): number => Math.min(found.cpu?.start ?? Infinity, found.lag?.start ?? Infinity);

function reasons(context: InsightContext, found: Saturation, cores: number | undefined): string {
  const parts: string[] = [];
  if (found.lagWorst) parts.push(`event-loop lag p95 reached ${millis(found.lagWorst.p95)} over 10 s at ${sinceStart(context, found.lagWorst.start)} (limit ${SATURATION_LAG_P95_MS} ms)`);
  if (found.cpuWorst && cores !== undefined) {
    parts.push(`CPU averaged ${found.cpuWorst.mean.toFixed(2)} of ${cores} cores (${Math.round((100 * found.cpuWorst.mean) / cores)} %) over 10 s at ${sinceStart(context, found.cpuWorst.start)} (limit ${SATURATION_CPU_SHARE * 100} %)`);
  }
  return parts.join('; ');
}
