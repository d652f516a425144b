import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { JltError, type Summary } from '@jlt/core';
import { ResultsDb } from '../store/results-db.js';
import { RUN_JSON_FILE } from '../store/schema.js';

/** The fields of `run.json` a comparison reads (ResultsStore writes them; a killed run lacks the end). */
export interface RunJson {
  runId?: string;
  scenario?: string;
  scenarioFile?: string;
  status?: string;
  startedAt?: string;
  endedAt?: string;
  plan?: { bots?: number; conferences?: number; rampUpMs?: number; holdMs?: number };
  thresholds?: string[];
  target?: { kind?: string; url?: string; bridges?: { id: string }[] };
  placement?: { conferences?: number; splitConferences?: number; maxSimultaneousSplit?: number; mismatches?: number };
  agents?: { id: string; name?: string; bots?: number; lost?: boolean }[];
  bots?: { id: string; conference?: string; state?: string; bridge?: string }[];
}

/**
 * The part of a run a comparison analyses: from the moment the last bot joined (the end of the
 * warm-up, when the load is complete) to the end of the run. Times are ms since the epoch.
 */
export interface AnalysisWindow {
  /** Run start: time 0 of the timelines. */
  startedAt: number;
  warmUpEndsAt: number;
  /** How the warm-up end was found. */
  warmUpSource: 'last bot joined' | 'planned ramp-up' | 'no bot joined';
  /** Server figures lag: JVB recomputes its statistics every 5 s, so theirs ends that much later. */
  serverWarmUpEndsAt: number;
  /** When the bots were planned to leave (or the run ended, if earlier): what follows is teardown. */
  endsAt: number;
}

/** JVB's `videobridge.stats.interval` default (the testbed uses the same). */
export const JVB_STATS_INTERVAL_MS = 5_000;

/** One run opened for comparison; `close()` releases its store. */
export interface RunSource {
  dir: string;
  label: string;
  run: RunJson;
  /** Absent for a run killed before it wrote its summary. */
  summary: Summary | undefined;
  db: ResultsDb;
  window: AnalysisWindow;
  close(): Promise<void>;
}

/** Opens the run in `dir`; a JltError (exit code 2) names the directory and what is wrong with it. */
export async function openRunSource(dir: string, label: string): Promise<RunSource> {
  const absolute = resolve(dir);
  const db = await ResultsDb.open(absolute);
  try {
    const run = await readRunJson(absolute, db);
    const summary = await readOptionalJson<Summary>(join(absolute, 'summary.json'));
    const window = await analysisWindow(db, run, absolute);
    return { dir: absolute, label, run, summary, db, window, close: () => db.close() };
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** `run.json`, or the store's `run_meta` copy of it when the file is gone. */
async function readRunJson(dir: string, db: ResultsDb): Promise<RunJson> {
  const file = join(dir, RUN_JSON_FILE);
  const fromFile = await readOptionalJson<RunJson>(file);
  if (fromFile) return fromFile;
  const rows = await db.rows<{ key: string; value: unknown }>('SELECT key, value FROM run_meta');
  if (rows.length === 0) {
    throw new JltError('INVALID_ARGUMENT', `${dir} has no ${RUN_JSON_FILE} and its store no run metadata`, {
      hint: 'pass a results directory written by jlt run',
    });
  }
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

async function readOptionalJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new JltError('INVALID_ARGUMENT', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as T;
  } catch (error) {
    throw new JltError('INVALID_ARGUMENT', `${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'the run directory is damaged; rerun the scenario',
      cause: error,
    });
  }
}

async function analysisWindow(db: ResultsDb, run: RunJson, dir: string): Promise<AnalysisWindow> {
  const [bounds] = await db.rows<{ first: number | null; last: number | null; lastJoin: number | null }>(
    `SELECT (epoch_us(min(time)) / 1000.0)::DOUBLE AS first, (epoch_us(max(time)) / 1000.0)::DOUBLE AS last,
            (epoch_us(max(time) FILTER (WHERE metric = 'bot_join_success')) / 1000.0)::DOUBLE AS lastJoin
     FROM samples`,
  );
  if (!bounds || bounds.first === null || bounds.last === null) {
    throw new JltError('INVALID_ARGUMENT', `${dir} holds no samples: nothing to compare`, {
      hint: 'the run ended before any bot or collector reported; rerun it',
    });
  }
  const startedAt = parseTime(run.startedAt) ?? bounds.first;
  const ended = parseTime(run.endedAt) ?? bounds.last;
  const { rampUpMs, holdMs } = run.plan ?? {};
  const endsAt = rampUpMs !== undefined && holdMs !== undefined ? Math.min(ended, startedAt + rampUpMs + holdMs) : ended;
  const [warmUpEndsAt, warmUpSource]: [number, AnalysisWindow['warmUpSource']] =
    bounds.lastJoin !== null
      ? [bounds.lastJoin, 'last bot joined']
      : rampUpMs !== undefined
        ? [startedAt + rampUpMs, 'planned ramp-up']
        : [startedAt, 'no bot joined'];
  return { startedAt, warmUpEndsAt, warmUpSource, serverWarmUpEndsAt: warmUpEndsAt + JVB_STATS_INTERVAL_MS, endsAt };
}

function parseTime(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : undefined;
}
