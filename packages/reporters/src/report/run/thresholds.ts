import {
  compareThreshold,
  formatAggregation,
  metricInfo,
  parseThresholdExpression,
  parseThresholdKey,
  type Aggregation,
} from '@jlt/core';
import { formatThresholdValue } from '../../summary/format-value.js';
import { html, type SafeHtml } from '../page/html.js';
import type { PageSection } from '../page/report-page.js';
import type { ReportContext } from './report-context.js';

export interface ThresholdRow {
  key: string;
  expression: string;
  passed: boolean;
  /** The observed aggregation as text (`p(95)=31.20ms`), or why there is none. */
  observed: string;
}

/**
 * The thresholds with their observed values: as the run judged them (its summary) when the caller
 * has it, otherwise evaluated on the stored raw samples in SQL (a killed run has no summary).
 */
export async function thresholdRows(context: ReportContext): Promise<{ rows: ThresholdRow[]; fromStore: boolean }> {
  const summary = context.options.summary;
  if (summary) {
    return {
      fromStore: false,
      rows: summary.thresholds.map((t) => ({
        key: t.key,
        expression: t.expression,
        passed: t.passed,
        observed: t.observed === null ? 'no samples' : `${t.aggregation}=${formatThresholdValue(t.aggregation, t.observed, t.unit)}`,
      })),
    };
  }
  const rows: ThresholdRow[] = [];
  const spanMs = spanOf(context);
  for (const entry of context.facts.meta.thresholds ?? []) rows.push(await evaluateFromStore(context, entry, spanMs));
  return { fromStore: true, rows };
}

function spanOf(context: ReportContext): number {
  const { startedAt, endedAt, dataFrom, dataTo } = context.facts;
  const start = startedAt ?? dataFrom;
  const end = endedAt ?? dataTo;
  return start === undefined || end === undefined ? 0 : Math.max(0, end - start);
}

/** One `key: expression` entry of the run metadata, evaluated like core's evaluator but in SQL on raw samples. */
async function evaluateFromStore(context: ReportContext, entry: string, spanMs: number): Promise<ThresholdRow> {
  const split = entry.lastIndexOf(': ');
  const key = split < 0 ? entry : entry.slice(0, split);
  const source = split < 0 ? '' : entry.slice(split + 2);
  try {
    const { metric, tagFilter } = parseThresholdKey(key);
    const info = metricInfo(metric);
    const expression = parseThresholdExpression(source, info?.type);
    const params: string[] = [metric];
    const filters = Object.entries(tagFilter).map(([tag, value]) => {
      params.push(tag, value);
      return `json_extract_string(tags, '$.' || to_json(?::VARCHAR)::VARCHAR) = ?`;
    });
    const [row] = await context.reader.rows<{ observed: number | null }>(
      `SELECT (${aggregationSql(expression.aggregation, info?.type === 'counter', spanMs)})::DOUBLE AS observed
       FROM samples WHERE metric = ?${filters.map((f) => ` AND ${f}`).join('')}`,
      params,
    );
    const observed = row?.observed ?? null;
    const label = formatAggregation(expression.aggregation);
    return {
      key,
      expression: source,
      passed: observed !== null && compareThreshold(observed, expression.operator, expression.value),
      observed: observed === null ? 'no samples' : `${label}=${formatThresholdValue(label, observed, info?.unit ?? '')}`,
    };
  } catch (error) {
    return { key, expression: source, passed: false, observed: `cannot evaluate: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function aggregationSql(aggregation: Aggregation, counter: boolean, spanMs: number): string {
  switch (aggregation.kind) {
    case 'avg':
    case 'min':
    case 'max':
    case 'sum':
      return `${aggregation.kind}(value)`;
    case 'count':
      return 'count(*)';
    case 'med':
      return 'quantile_cont(value, 0.5)';
    case 'p':
      return `quantile_cont(value, ${aggregation.percentile / 100})`;
    case 'value':
      return 'arg_max(value, time)';
    case 'rate':
      return counter ? (spanMs > 0 ? `sum(value) / ${spanMs / 1000}` : 'NULL') : 'avg(value)';
  }
}

export function thresholdsSection(rows: readonly ThresholdRow[], fromStore: boolean): PageSection {
  const body: SafeHtml =
    rows.length === 0
      ? html`<p class="note">The scenario has no thresholds.</p>`
      : html`${fromStore ? html`<p class="note">The run did not write its summary, so these were evaluated on the stored raw samples (exact percentiles; the run itself uses sketches with 1 % accuracy).</p>` : ''}
<table id="thresholds-table"><thead><tr><th></th><th>metric</th><th>threshold</th><th>observed</th></tr></thead><tbody>${rows.map(
          (t) => html`<tr data-passed="${String(t.passed)}"><td class="${t.passed ? 'pass' : 'fail'}">${t.passed ? '✓' : '✗'}</td><td><code>${t.key}</code></td><td><code>${t.expression}</code></td><td>${t.observed}</td></tr>`,
        )}</tbody></table>`;
  return { id: 'thresholds', title: 'Thresholds', body };
}
