import type { ResultsReader } from '@jlt/core';
import { html, type SafeHtml } from '../report/page/html.js';
import type { TimeAxis } from '../report/page/page-model.js';
import { paletteColor, runDash } from '../report/page/palette.js';
import { smallMultiples, type PageSection, type ReportPage } from '../report/page/report-page.js';
import { axisFrom, type BucketedSeries } from '../report/run/buckets.js';
import { BRIDGE_FIGURES, bridgeSeries } from '../report/run/bridges.js';
import { CONFERENCE_FIGURES, clientSeries, conferenceValues, type ClientSeries } from '../report/run/clients.js';
import { addChart, missingNote, type SeriesInput } from '../report/run/report-context.js';

/** One run's timelines on a comparison's elapsed axis. */
export interface RunTimelines {
  label: string;
  bridges: string[];
  conferences: string[];
  server: BucketedSeries;
  clients: ClientSeries;
}

/** Reads a run's bridge and conference series, bucketed by time since `startedAt` on the comparison's `axis`. */
export async function readRunTimelines(
  reader: ResultsReader,
  axis: TimeAxis,
  run: { label: string; startedAt: number; bridges: string[]; conferences: string[] },
): Promise<RunTimelines> {
  const onRunClock = axisFrom(axis, run.startedAt);
  const server = await bridgeSeries(reader, onRunClock);
  const clients = await clientSeries(reader, onRunClock);
  return { label: run.label, bridges: run.bridges, conferences: run.conferences, server, clients };
}

/**
 * The series of one figure for every run that has `subject` (a bridge or a conference): the figure's
 * series keep their colours, run i its dash pattern, so a line's colour says what and its dash
 * says which run. Labels name the run (and the series, when the figure has several).
 */
function overlaid<S extends { label: string }>(
  runs: readonly RunTimelines[],
  has: (run: RunTimelines) => boolean,
  series: readonly S[],
  values: (run: RunTimelines, series: S) => Float32Array | undefined,
): SeriesInput[] {
  return runs.flatMap((run, r) =>
    has(run)
      ? series.map((s, i) => ({
          label: series.length === 1 ? run.label : `${s.label} · ${run.label}`,
          values: values(run, s),
          color: paletteColor(i),
          dash: runDash(r),
        }))
      : [],
  );
}

/** Which run draws which line: a solid or dashed sample per run, for the notes above the charts. */
export function lineKey(runs: readonly { label: string }[]): SafeHtml {
  return html`<span class="legend line-key">${runs.map((run, r) => html`<span>${lineSample(runDash(r))} ${run.label}</span>`)}</span>`;
}

/** A short line in the style of run i's series (an inline SVG: the page may load nothing). */
export function lineSample(dash: readonly number[], color = '#1d2330'): SafeHtml {
  return html`<svg class="line-sample" width="34" height="8" aria-hidden="true"><line x1="1" y1="4" x2="33" y2="4" stroke="${color}" stroke-width="2"${dash.length > 0 ? html` stroke-dasharray="${dash.join(' ')}"` : ''}/></svg>`;
}

/** Per bridge of any run, every server figure with one line per run that has the bridge. */
export function bridgeTimelines(page: ReportPage, runs: readonly RunTimelines[]): PageSection {
  const bridges = union(runs.map((r) => r.bridges));
  const anyPod = runs.some((run) => [...run.server.keys()].some((k) => k.includes('|pod_')));
  const rows = bridges.map((bridge) => {
    const charts: SafeHtml[] = [];
    const missing: string[] = [];
    for (const figure of BRIDGE_FIGURES) {
      if (!anyPod && figure.series[0]!.metric.startsWith('pod_')) continue;
      const chart = addChart(page, {
        title: figure.title,
        unit: figure.unit,
        yGroup: `bridge ${figure.title}`,
        series: overlaid(runs, (run) => run.bridges.includes(bridge), figure.series, (run, s) => run.server.get(`${bridge}|${s.metric}`)?.mean),
      });
      if (chart) charts.push(chart);
      else missing.push(figure.title.toLowerCase());
    }
    const only = runs.filter((run) => run.bridges.includes(bridge));
    const label = html`${bridge}${only.length < runs.length ? html`<span class="subtitle">only in ${only.map((r) => r.label).join(', ')}</span>` : ''}`;
    const note = missingNote(missing);
    return smallMultiples(label, note ? [...charts, note] : charts);
  });
  const body = html`<p class="note">Each bridge's own figures (<code>/colibri/stats</code>${anyPod ? ', pod CPU and memory from Prometheus' : ''}) over time since each run's start: ${lineKey(runs)} — colour is the figure's series, the line style the run. Means per ${Math.round(page.axis.stepMs / 1000)} s bucket; one figure has one scale on every bridge.</p>
${bridges.length === 0 ? html`<p class="note">No run has server-side samples (no <code>collect.jvb</code>).</p>` : rows}`;
  return { id: 'bridge-timelines', title: 'Bridges over time', body };
}

/** Per conference of any run, what its bots measured, one line per run that has the conference. */
export function conferenceTimelines(page: ReportPage, runs: readonly RunTimelines[]): PageSection {
  const conferences = union(runs.map((r) => r.conferences));
  const rows = conferences.map((conference) => {
    const charts: SafeHtml[] = [];
    const missing: string[] = [];
    for (const figure of CONFERENCE_FIGURES) {
      const chart = addChart(page, {
        title: figure.title,
        unit: figure.unit,
        yGroup: figure.yGroup,
        series: overlaid(runs, (run) => run.conferences.includes(conference), figure.series, (run, s) => conferenceValues(run.clients, conference, s)),
      });
      if (chart) charts.push(chart);
      else missing.push(figure.name);
    }
    const only = runs.filter((run) => run.conferences.includes(conference));
    const label = html`${conference}${only.length < runs.length ? html`<span class="subtitle">only in ${only.map((r) => r.label).join(', ')}</span>` : ''}`;
    const note = missingNote(missing);
    return smallMultiples(label, note ? [...charts, note] : charts);
  });
  const body = html`<p class="note">What the bots of each conference measured, over time since each run's start: ${lineKey(runs)}. Percentiles and means across the conference's bots per ${Math.round(page.axis.stepMs / 1000)} s bucket, computed on the raw samples.</p>
${conferences.length === 0 ? html`<p class="note">No run has client samples.</p>` : rows}`;
  return { id: 'conference-timelines', title: 'Conferences over time', body };
}

function union(lists: readonly string[][]): string[] {
  return [...new Set(lists.flat())].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}
