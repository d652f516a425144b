import type { ResultsReader } from '@jlt/core';
import { loadRunMeta, metaTime, type RunMeta } from './run-meta.js';

/** What every section of a run report needs to know about the run, read once. */
export interface RunFacts {
  meta: RunMeta;
  /** run_meta keys that were present but malformed. */
  malformedMeta: string[];
  runId: string;
  scenario: string;
  /** The run's final status; `running` when it never wrote one (killed, or still going). */
  status: string;
  finished: boolean;
  /** When the bots were told to start, and when the run ended (ms since the epoch), if recorded. */
  startedAt: number | undefined;
  endedAt: number | undefined;
  /** The first and last sample or event. */
  dataFrom: number | undefined;
  dataTo: number | undefined;
  samples: number;
  events: number;
  /** Bridge ids with server-side samples, placement or a place in the target, sorted. */
  bridges: string[];
  /** Conferences with samples, placement or planned bots, sorted. */
  conferences: string[];
  /** Agents in the run metadata or with health samples, sorted. */
  agents: string[];
}

const MS = (column: string): string => `(epoch_us(${column}) / 1000.0)::DOUBLE`;

export async function loadRunFacts(reader: ResultsReader): Promise<RunFacts> {
  const { meta, malformed } = await loadRunMeta(reader);
  const [extent] = await reader.rows<{ from: number | null; to: number | null; samples: number; events: number }>(
    `SELECT least(s.f, e.f) AS "from", greatest(s.t, e.t) AS "to", s.n AS samples, e.n AS events
     FROM (SELECT ${MS('min(time)')} f, ${MS('max(time)')} t, count(*)::DOUBLE n FROM samples) s,
          (SELECT ${MS('min(time)')} f, ${MS('max(time)')} t, count(*)::DOUBLE n FROM events) e`,
  );
  const names = await reader.rows<{ kind: string; name: string }>(
    `SELECT DISTINCT 'bridge' AS kind, bridge AS name FROM samples WHERE agent IS NULL AND bridge IS NOT NULL
     UNION SELECT DISTINCT 'bridge', bridge FROM placement WHERE source = 'debug'
     UNION SELECT DISTINCT 'conference', conference FROM samples WHERE conference IS NOT NULL
     UNION SELECT DISTINCT 'conference', conference FROM placement
     UNION SELECT DISTINCT 'agent', agent FROM samples WHERE agent IS NOT NULL AND starts_with(metric, 'agent_')`,
  );
  const named = (kind: string, extra: readonly string[]): string[] =>
    [...new Set([...names.filter((n) => n.kind === kind).map((n) => n.name), ...extra])].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const status = meta.status ?? 'running';
  return {
    meta,
    malformedMeta: malformed,
    runId: meta.runId ?? 'unknown run',
    scenario: meta.scenario ?? 'unknown scenario',
    status,
    finished: status !== 'running',
    startedAt: metaTime(meta.startedAt),
    endedAt: metaTime(meta.endedAt),
    dataFrom: extent?.from ?? undefined,
    dataTo: extent?.to ?? undefined,
    samples: extent?.samples ?? 0,
    events: extent?.events ?? 0,
    bridges: named('bridge', (meta.target?.bridges ?? []).map((b) => b.id)),
    conferences: named('conference', (meta.bots ?? []).map((b) => b.conference)),
    agents: named('agent', (meta.agents ?? []).map((a) => a.id)),
  };
}

/** The span the report's axis covers: the run's start and end, widened to every sample and event. */
export function reportSpan(facts: RunFacts): [number, number] | undefined {
  const starts = [facts.startedAt, facts.dataFrom].filter((t): t is number => t !== undefined);
  const ends = [facts.endedAt, facts.dataTo].filter((t): t is number => t !== undefined);
  if (starts.length === 0 || ends.length === 0) return undefined;
  return [Math.min(...starts), Math.max(...ends)];
}
