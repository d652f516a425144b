import type { Insight } from '@jlt/core';
import type { ResultsReader } from '@jlt/core';
import { groupBy } from './group-by.js';
import { seconds, sinceStart, type InsightContext } from './insight-context.js';

/** A disagreement counts when it lasts this long: the placement tracker's grace, one default `/debug` poll. */
export const DISAGREEMENT_MIN_MS = 5_000;
/** At most this many disagreements become insights of their own; the rest are counted in one more. */
const MAX_LISTED = 10;

export interface PlacementRow {
  time: number;
  bridge: string;
  conference: string;
  endpoint: string;
  source: 'debug' | 'bot';
  relays: string[] | null;
}

/** The placement table in time order. */
export async function loadPlacement(reader: ResultsReader): Promise<PlacementRow[]> {
  // Relays as text, parsed once per distinct value: a long run has hundreds of thousands of rows and a handful of relay lists.
  const rows = await reader.rows<Omit<PlacementRow, 'relays'> & { relays: string | null }>(
    `SELECT (epoch_us(time) / 1000.0)::DOUBLE AS time, bridge, conference, endpoint, source, relays::VARCHAR AS relays
     FROM placement ORDER BY time, source, endpoint`,
  );
  const parsed = new Map<string, string[]>();
  const relaysOf = (text: string): string[] => {
    let list = parsed.get(text);
    if (!list) parsed.set(text, (list = JSON.parse(text) as string[]));
    return list;
  };
  return rows.map((row) => ({ ...row, relays: row.relays === null ? null : relaysOf(row.relays) }));
}

export interface Disagreement {
  endpoint: string;
  conference: string;
  /** Where the bot said it was, and where `/debug` listed it. */
  botBridge: string;
  debugBridge: string;
  /** The first and last `/debug` observation that disagreed. */
  from: number;
  to: number;
}

/**
 * Every stretch of at least DISAGREEMENT_MIN_MS during which the bridges' `/debug` listed an endpoint
 * on one bridge while its bot's latest report named another. Judged at each `/debug` observation of
 * the endpoint; an observation that agrees ends the stretch. Endpoints a bot reported only under its
 * bot id (before it knew its endpoint id) cannot be matched and are not judged.
 */
export function findDisagreements(rows: readonly PlacementRow[]): Disagreement[] {
  const beliefs = groupBy(
    rows.filter((r) => r.source === 'bot'),
    (r) => r.endpoint,
  );
  const found: Disagreement[] = [];
  for (const [endpoint, observations] of groupBy(
    rows.filter((r) => r.source === 'debug' && beliefs.has(r.endpoint)),
    (r) => r.endpoint,
  )) {
    const reports = beliefs.get(endpoint)!;
    let next = 0;
    let belief: PlacementRow | undefined;
    let open: Disagreement | undefined;
    const close = (): void => {
      if (open && open.to - open.from >= DISAGREEMENT_MIN_MS) found.push(open);
      open = undefined;
    };
    for (const observed of observations) {
      while (next < reports.length && reports[next]!.time <= observed.time) belief = reports[next++];
      if (!belief || belief.bridge === observed.bridge) {
        close();
        continue;
      }
      if (open && open.botBridge === belief.bridge && open.debugBridge === observed.bridge) open.to = observed.time;
      else {
        close();
        open = { endpoint, conference: observed.conference, botBridge: belief.bridge, debugBridge: observed.bridge, from: observed.time, to: observed.time };
      }
    }
    close();
  }
  return found.sort((a, b) => a.from - b.from || a.endpoint.localeCompare(b.endpoint));
}

/** Endpoint id → bot id, from the bots' join samples (which carry both in their metadata). */
export async function botsByEndpoint(reader: ResultsReader): Promise<Map<string, string>> {
  const rows = await reader.rows<{ endpoint: string; bot: string }>(
    `SELECT DISTINCT json_extract_string(meta, '$.endpoint') AS endpoint, json_extract_string(meta, '$.bot') AS bot
     FROM samples WHERE metric IN ('bot_join_time_ms', 'bot_join_success') AND json_extract_string(meta, '$.endpoint') IS NOT NULL`,
  );
  return new Map(rows.map((r) => [r.endpoint, r.bot]));
}

/**
 * Rule `placement-disagreement` (warning): a bot and the bridges' `/debug` disagree for 5 s or more
 * about which bridge an endpoint is on — the bot's view (and every figure tagged with its bridge)
 * or the bridge's bookkeeping is wrong, and per-bridge figures may be mixed up.
 */
export async function placementDisagreements(context: InsightContext): Promise<Insight[]> {
  const disagreements = findDisagreements(await loadPlacement(context.reader));
  if (disagreements.length === 0) return [];
  const bots = await botsByEndpoint(context.reader);
  const insights: Insight[] = disagreements.slice(0, MAX_LISTED).map((d) => {
    const bot = bots.get(d.endpoint);
    return {
      rule: 'placement-disagreement',
      severity: 'warning',
      subject: d.conference,
      time: d.from,
      message:
        `endpoint ${d.endpoint}${bot ? ` (bot ${bot})` : ''} in ${d.conference}: the bot reported ${d.botBridge} while /debug listed it on ${d.debugBridge}, ` +
        `from ${sinceStart(context, d.from)} for ${seconds(d.to - d.from)}.`,
    };
  });
  if (disagreements.length > MAX_LISTED) {
    insights.push({
      rule: 'placement-disagreement',
      severity: 'warning',
      message: `${disagreements.length - MAX_LISTED} more disagreements between bots and /debug; the report's placement section lists them all.`,
    });
  }
  return insights;
}
