import type { MetricInfo } from '@jlt/core';
import { formatValue } from '../summary/format-value.js';
import type { Comparison, ComparisonRow, Delta, RowTest, Verdict } from './comparison.js';

/** Wording shared by the Markdown and HTML comparisons. */

type Unit = MetricInfo['unit'];

/** A value in the row's unit; `share` rows are percentages. */
export function formatRowValue(value: number, unit: string): string {
  if (unit === 'share') return `${(value * 100).toFixed(1)} %`;
  if (unit === 'bps') return Math.abs(value) >= 1e6 ? `${(value / 1e6).toFixed(2)} Mbps` : `${(value / 1e3).toFixed(1)} kbps`;
  return formatValue(value, unit as Unit);
}

export function formatDelta(delta: Delta, unit: string): string {
  const sign = delta.absolute > 0 ? '+' : '';
  const absolute = `${sign}${formatRowValue(delta.absolute, unit)}`;
  return delta.relative === undefined ? absolute : `${absolute} (${formatRelative(delta.relative)})`;
}

export function formatRelative(relative: number): string {
  const percent = relative * 100;
  const digits = Math.abs(percent) >= 10 ? 0 : 1;
  return `${percent > 0 ? '+' : ''}${percent.toFixed(digits)} %`;
}

export function formatPValue(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/** `Δ median +24.00ms, 95 % CI −3.1…51.2ms, p = 0.031` */
export function formatTest(test: RowTest, unit: string): string {
  return `Δ ${test.statistic} ${formatSigned(test.difference, unit)}, ${formatInterval(test, unit)}, ${formatPValue(test.pValue)}`;
}

/** `95 % CI −3.1ms … +51.2ms`: how large the difference may be, which "no significant difference" alone does not say. */
export function formatInterval(test: RowTest, unit: string): string {
  const [low, high] = test.interval;
  return `${Math.round(test.level * 100)} % CI ${formatSigned(low, unit)} … ${formatSigned(high, unit)}`;
}

export function formatSigned(value: number, unit: string): string {
  return `${value > 0 ? '+' : ''}${formatRowValue(value, unit)}`;
}

export const VERDICT_MARKS: Record<Verdict, string> = {
  better: '✅ better',
  worse: '❌ worse',
  higher: '↑ higher',
  lower: '↓ lower',
  'no significant difference': '≈ no significant difference',
  'not tested': '— not tested',
};

/** The sentence a reader needs before any number: which runs cannot be trusted. */
export function untrustworthyWarning(comparison: Comparison): string | undefined {
  if (comparison.untrustworthy.length === 0) return undefined;
  const runs = [...new Set(comparison.untrustworthy.map((u) => u.label))];
  return `This comparison cannot be trusted: the numbers of ${runs.join(' and ')} are untrustworthy (${comparison.untrustworthy
    .map((u) => `${u.label}: ${u.message}`)
    .join('; ')}).`;
}

/** Runs whose analysed part is too short for a verdict to mean much. */
export function shortRunWarning(comparison: Comparison): string | undefined {
  const short = comparison.runs.filter((r) => r.analysedSeconds < SHORT_ANALYSIS_SECONDS);
  if (short.length === 0) return undefined;
  return `${short.map((r) => `${r.label} has ${r.analysedSeconds.toFixed(0)} s`).join(', ')} after the warm-up: too short for the dependence in per-second values, so intervals are wide and few differences can be called significant (${SHORT_ANALYSIS_SECONDS} s or more is better).`;
}

export const SHORT_ANALYSIS_SECONDS = 30;

export function rowTitle(row: ComparisonRow): string {
  return row.scope === 'all bots' || row.scope === 'per agent' ? row.metric : `${row.metric} (${row.scope})`;
}
