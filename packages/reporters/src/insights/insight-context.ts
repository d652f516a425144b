import type { ResultsReader } from '@jlt/core';
import { formatDuration, formatOffset } from '../report/time-format.js';
import type { RunMeta } from '../report/run/run-meta.js';

/** What every insight rule reads: the store and what the run recorded about itself. */
export interface InsightContext {
  reader: ResultsReader;
  meta: RunMeta;
  /** When the run started (or its first sample), ms since the epoch: messages give times relative to it. */
  startMs: number;
  /** When the run ended (or its last sample or event). */
  endMs: number;
}

/** `+1:05` — a time as minutes and seconds into the run, as the summary and the report show it. */
export function sinceStart(context: Pick<InsightContext, 'startMs'>, ms: number): string {
  return formatOffset(context.startMs, ms);
}

/** A span: `14 s`, `2.5 s`, `49 min 35 s`. */
export function seconds(ms: number): string {
  return formatDuration(ms);
}

/** Whole milliseconds: `447 ms`. */
export function millis(ms: number): string {
  return `${Math.round(ms)} ms`;
}
