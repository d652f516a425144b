import type { Insight, OutputFailureRecord, RunStatus, Summary } from '@jlt/core';
import type { ResultsReader } from '@jlt/core';
import { html, type SafeHtml } from '../page/html.js';
import type { SeriesSpec, TimeAxis, ValueUnit } from '../page/page-model.js';
import { paletteColor } from '../page/palette.js';
import type { ReportPage } from '../page/report-page.js';
import { hasData } from './buckets.js';
import type { RunFacts } from './run-facts.js';

export interface RunReportOptions {
  /** Insights already computed for this run (the end of a run passes them); computed from the store otherwise. */
  insights?: readonly Insight[];
  /** The run's end summary: thresholds as the run judged them. Without it they are evaluated from the store. */
  summary?: Summary;
  /** The run's status when the caller knows it before the store does (the end of a run). */
  status?: RunStatus;
  /** Outputs that failed during the run; the run metadata's list otherwise. */
  outputFailures?: readonly OutputFailureRecord[];
  /** The run's results directory, where failure screenshots are looked up (artifacts/). */
  resultsDir?: string;
  /** The jlt version building the report, shown in the footer. */
  toolVersion?: string;
}

/** What every section builder gets. */
export interface ReportContext {
  reader: ResultsReader;
  page: ReportPage;
  axis: TimeAxis;
  facts: RunFacts;
  insights: readonly Insight[];
  options: RunReportOptions;
  /** ms the report counts from (`+m:ss` times): the run's start, else its first sample. */
  startMs: number;
}

export interface SeriesInput {
  label: string;
  values: Float32Array | undefined;
  /** Min and max per bucket, drawn as a band when they differ from the line somewhere. */
  band?: readonly [Float32Array | undefined, Float32Array | undefined];
  color?: string;
  /** A dash pattern (`runDash`): a comparison's later runs. */
  dash?: readonly number[];
}

export interface ChartRequest {
  title: string;
  unit: ValueUnit;
  series: readonly SeriesInput[];
  yGroup?: string;
  yMin?: number;
  yMax?: number;
  rules?: { value: number; label: string }[];
}

/**
 * Adds a chart of the series that have data; undefined when none has (the caller says what is
 * missing instead of drawing an empty frame).
 */
export function addChart(page: ReportPage, request: ChartRequest): SafeHtml | undefined {
  const series: SeriesSpec[] = [];
  request.series.forEach((input, i) => {
    if (!hasData(input.values)) return;
    const [lo, hi] = input.band ?? [];
    const band = lo && hi && bandDiffers(input.values, lo, hi) ? ([page.addColumn(lo), page.addColumn(hi)] as const) : undefined;
    series.push({ label: input.label, column: page.addColumn(input.values), color: input.color ?? paletteColor(i), ...(band ? { band } : {}), ...(input.dash?.length ? { dash: input.dash } : {}) });
  });
  if (series.length === 0) return undefined;
  const { title, unit, yGroup, yMin, yMax, rules } = request;
  return page.chart({ title, unit, series, ...(yGroup ? { yGroup } : {}), ...(yMin === undefined ? {} : { yMin }), ...(yMax === undefined ? {} : { yMax }), ...(rules ? { rules } : {}) });
}

function bandDiffers(line: Float32Array, lo: Float32Array, hi: Float32Array): boolean {
  for (let i = 0; i < line.length; i++) {
    const spread = hi[i]! - lo[i]!;
    if (spread > 1e-6 * Math.max(1, Math.abs(line[i]!))) return true;
  }
  return false;
}

/** A muted line listing the figures a row has no data for. */
export function missingNote(what: readonly string[], why?: string): SafeHtml | undefined {
  if (what.length === 0) return undefined;
  return html`<p class="missing">No data for ${what.join(', ')}${why ? html`: ${why}` : ''}.</p>`;
}
