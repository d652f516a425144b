import { AGENT_OVERSUBSCRIBED_EVENT, type Insight } from '@jlt/core';
import type { InsightContext } from './insight-context.js';

/**
 * Rule `oversubscribed-agent` (warning): an agent was given more bots than its measured capacity
 * fits (`--max-bots` above it), as the coordinator recorded when it assigned them. Whether that
 * actually saturated it is the `saturated-agent` rule's measurement.
 */
export async function oversubscribedAgents(context: Pick<InsightContext, 'reader'>): Promise<Insight[]> {
  const rows = await context.reader.rows<{ agent: string | null; message: string; time: number }>(
    "SELECT json_extract_string(tags, '$.agent') AS agent, message, (epoch_us(time) / 1000.0)::DOUBLE AS time FROM events WHERE kind = ? ORDER BY time",
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
