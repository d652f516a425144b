import { computeInsights } from '../../insights/compute-insights.js';
import { botsByEndpoint, findDisagreements, loadPlacement } from '../../insights/placement-disagreement.js';
import type { ResultsReader } from '@jlt/core';
import { html } from '../page/html.js';
import { ReportPage } from '../page/report-page.js';
import { formatClock } from '../time-format.js';
import { agentsSection } from './agents.js';
import { botsSection, loadBots } from './bots.js';
import { bridgeSeries, bridgesSection } from './bridges.js';
import { runAxis } from './buckets.js';
import { clientSeries, clientServerSection, conferencesSection } from './clients.js';
import { eventsSection } from './events.js';
import { header } from './header.js';
import { placementMapData, placementSection } from './placement.js';
import type { ReportContext, RunReportOptions } from './report-context.js';
import { loadRunFacts, reportSpan } from './run-facts.js';
import { thresholdRows, thresholdsSection } from './thresholds.js';

/**
 * The HTML run report of one run, built from its results store alone: a finished store, a killed
 * one, or the live store at the end of a run. Returns one self-contained HTML document (README,
 * "The run report"): header and insights, thresholds, per-bridge figures, per-conference client
 * figures, client vs server per bridge, the placement map, agents, events and bots.
 */
export async function buildRunReport(reader: ResultsReader, options: RunReportOptions = {}): Promise<string> {
  const facts = await loadRunFacts(reader);
  const now = Date.now();
  const span = reportSpan(facts) ?? [now, now];
  const axis = runAxis(span[0], span[1]);
  const insights = options.insights ?? (await computeInsights(reader));
  const page = new ReportPage(`${facts.scenario} · jlt run report`, axis);
  const context: ReportContext = { reader, page, axis, facts, insights, options, startMs: facts.startedAt ?? span[0] };

  const thresholds = await thresholdRows(context);
  const bots = await loadBots(context);
  const bridges = await bridgeSeries(reader, axis);
  const clients = await clientSeries(reader, axis);
  const placement = await loadPlacement(reader);
  const disagreements = findDisagreements(placement);
  const endpointBots = await botsByEndpoint(reader);

  page.section(thresholdsSection(thresholds.rows, thresholds.fromStore));
  page.section(bridgesSection(context, bridges));
  page.section(conferencesSection(context, clients));
  page.section(clientServerSection(context, clients, bridges));
  page.section(placementSection(context, await placementMapData(context, placement, disagreements, endpointBots), disagreements, endpointBots));
  page.section(await agentsSection(context));
  page.section(await eventsSection(context));
  page.section(botsSection(context, bots));
  return page.render({
    header: header(context, thresholds.rows, bots),
    footer: html`<footer>Built ${formatClock(now)}${options.toolVersion ? ` by jlt ${options.toolVersion}` : ''} from the run's results store${options.resultsDir ? html` in <code>${options.resultsDir}</code>` : ''}. Times are on the coordinator's clock; charts show local time. Rebuild with <code>jlt report DIR</code>.</footer>`,
  });
}
