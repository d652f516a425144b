import { AGENT_OVERSUBSCRIBED_EVENT, type Insight, type ResultsReader } from '@jlt/core';

/**
 * Insights this run can tell from its own store, computed once after everything is durable and
 * before the outputs' `onRunEnd`. The report's rules (measured saturation, retained memory,
 * resolution drops, …; `computeInsights` in packages/reporters) are meant to join this list.
 */
export async function computeRunInsights(results: ResultsReader): Promise<Insight[]> {
  return oversubscribedAgents(results);
}

/** An agent given more bots than its cores fit (`--max-bots` above the measured capacity). */
async function oversubscribedAgents(results: ResultsReader): Promise<Insight[]> {
  const rows = await results.rows<{ agent: string | null; message: string; time: number }>(
    "SELECT json_extract_string(tags, '$.agent') AS agent, message, epoch_ms(time) AS time FROM events WHERE kind = ? ORDER BY time",
    [AGENT_OVERSUBSCRIBED_EVENT],
  );
  return rows.map((row) => ({
    rule: 'oversubscribed-agent',
    severity: 'warning',
    message: row.message,
    ...(row.agent === null ? {} : { subject: row.agent }),
    time: row.time,
  }));
}
