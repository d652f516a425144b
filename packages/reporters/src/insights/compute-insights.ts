import type { Insight } from '@jlt/core';
import type { ResultsReader } from '@jlt/core';
import { loadRunFacts, reportSpan } from '../report/run/run-facts.js';
import { collectorGaps } from './collector-gaps.js';
import type { InsightContext } from './insight-context.js';
import { memoryRetained } from './memory-retained.js';
import { oversubscribedAgents } from './oversubscribed-agent.js';
import { placementDisagreements } from './placement-disagreement.js';
import { relayCost } from './relay-cost.js';
import { resolutionDrops } from './resolution-drop.js';
import { saturatedAgents } from './saturated-agent.js';

const RULES = [saturatedAgents, oversubscribedAgents, memoryRetained, resolutionDrops, relayCost, placementDisagreements, collectorGaps];
const SEVERITY_ORDER: Record<Insight['severity'], number> = { untrustworthy: 0, warning: 1, info: 2 };

/**
 * Every insight the rules find in a run's store (README "Insights" states each rule and its
 * threshold), most severe first, then in time order. Reads only the store, so the end of a run,
 * `jlt report` and a comparison all find the same ones.
 */
export async function computeInsights(reader: ResultsReader): Promise<Insight[]> {
  const facts = await loadRunFacts(reader);
  const span = reportSpan(facts);
  // A run that ended before its first sample can still say why: its agents were oversubscribed.
  if (!span) return oversubscribedAgents({ reader });
  const context: InsightContext = { reader, meta: facts.meta, startMs: facts.startedAt ?? span[0], endMs: span[1] };
  const found: Insight[] = [];
  for (const rule of RULES) found.push(...(await rule(context)));
  return found.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || (a.time ?? Infinity) - (b.time ?? Infinity));
}

/** True when an insight says the run's numbers cannot be trusted (report banner, failing JUnit case). */
export function isUntrustworthy(insights: readonly Insight[]): boolean {
  return insights.some((i) => i.severity === 'untrustworthy');
}
