import { readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SUMMARY_FORMAT_VERSION, type Insight, type Summary } from '@jlt/core';
import { computeInsights } from '../../insights/compute-insights.js';
import { ResultsDb } from '../../store/results-db.js';
import { buildRunReport } from './build-run-report.js';

export const REPORT_FILE = 'report.html';

export interface WriteRunReportOptions {
  /** Where to write; default `<dir>/report.html`. */
  out?: string;
  toolVersion?: string;
}

export interface WrittenReport {
  file: string;
  bytes: number;
  insights: Insight[];
}

/**
 * `jlt report DIR`: rebuilds the run report from a results directory alone — its store (finished,
 * killed or live) and, when the run wrote one, its summary.json for the thresholds as the run
 * judged them. Writes atomically (temp file, then rename).
 */
export async function writeRunReport(dir: string, options: WriteRunReportOptions = {}): Promise<WrittenReport> {
  const resultsDir = resolve(dir);
  const db = await ResultsDb.open(resultsDir);
  try {
    const insights = await computeInsights(db);
    const summary = await readSummary(resultsDir);
    const page = await buildRunReport(db, {
      insights,
      resultsDir,
      ...(summary ? { summary } : {}),
      ...(options.toolVersion ? { toolVersion: options.toolVersion } : {}),
    });
    const file = resolve(options.out ?? join(resultsDir, REPORT_FILE));
    await writeAtomically(file, page);
    return { file, bytes: Buffer.byteLength(page), insights };
  } finally {
    await db.close();
  }
}

/** The run's summary.json when it is there and of a known format; a killed run has none. */
async function readSummary(dir: string): Promise<Summary | undefined> {
  const text = await readFile(join(dir, 'summary.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const summary = JSON.parse(text) as Summary;
    return summary.formatVersion === SUMMARY_FORMAT_VERSION && Array.isArray(summary.thresholds) ? summary : undefined;
  } catch {
    return undefined;
  }
}

export async function writeAtomically(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}
