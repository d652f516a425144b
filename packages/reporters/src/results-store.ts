import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirectory, type PlacementRecord, type ResultsReader, type RunEvent, type Sample } from '@jlt/core';
import { LiveResultsReader } from './store/live-results-reader.js';
import { RESULTS_FORMAT_VERSION, RUN_JSON_FILE, STORE_FILE } from './store/schema.js';
import { StoreWriter } from './store/store-writer.js';

export { RESULTS_FORMAT_VERSION } from './store/schema.js';

/** Upper bound between flushes: with a flush itself well under 750 ms, data is durable within 1 s. */
const FLUSH_INTERVAL_MS = 250;

export interface FlushStats {
  /** Completed flushes. */
  flushes: number;
  /** Samples committed to the store so far. */
  durableSamples: number;
  /** How long the last flush took, ms. */
  lastFlushMs: number;
  /** Age of the oldest sample of the last flush when it became durable, ms. */
  lastLatencyMs: number;
  /** The largest such age over the run, ms: the "addSamples to durable" figure. */
  maxLatencyMs: number;
}

export interface ResultsStoreOptions {
  /** Flush period; at most 250 ms (the default) to keep data at risk under 1 s. */
  flushIntervalMs?: number;
  /** Called after every flush that committed something (benchmarks, crash tests, live progress). */
  onFlush?: (stats: Readonly<FlushStats>) => void;
  /** Called once, with the first write failure; later flushes drop their data and close() rethrows it. */
  onError?: (error: Error) => void;
}

/**
 * The raw, lossless record of one run in `results/<run-id>/`:
 * - `results.duckdb`: tables `samples`, `events`, `placement`, `run_meta`, `format_version`
 *   (see store/schema.ts), queryable with `jlt query` and exported with `jlt export`.
 * - `run.json`: a small human-readable sidecar (format version, run id, scenario, plan summary,
 *   agents, status), rewritten atomically whenever it changes, so a killed run leaves a readable one.
 *
 * `addSamples`/`addEvents`/`addPlacement` only buffer (safe on the hot path). A timer flushes the
 * buffers every 250 ms through DuckDB appenders, in 2048-row chunks that yield to the event loop
 * between them, and commits, so a killed process loses at most the last second. `close()` flushes
 * the rest and checkpoints. Writes are serialised: a flush never overlaps another write.
 * `results` queries the store while it is written (what is durable so far), until `close()`.
 */
export class ResultsStore {
  private samples: Sample[] = [];
  private events: RunEvent[] = [];
  private placement: PlacementRecord[] = [];
  private bufferedSince: number | undefined;
  /** `bufferedSince` of every flush taken but not yet committed, oldest first (flushes run in order). */
  private readonly flushingSince: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private meta: Record<string, unknown> = {};
  private failure: Error | undefined;
  private closed = false;
  private readonly stats: FlushStats = { flushes: 0, durableSamples: 0, lastFlushMs: 0, lastLatencyMs: 0, maxLatencyMs: 0 };
  private readonly reader: LiveResultsReader;
  sampleCount = 0;

  private constructor(
    readonly dir: string,
    private readonly writer: StoreWriter,
    private readonly options: ResultsStoreOptions,
  ) {
    this.reader = new LiveResultsReader(() => writer.connectReader());
  }

  /** Creates `dir` (a JltError naming it when that is impossible) and a new store in it. */
  static async create(dir: string, meta: Record<string, unknown>, options: ResultsStoreOptions = {}): Promise<ResultsStore> {
    await makeDirectory(dir, 'results directory');
    const writer = await StoreWriter.open(join(dir, STORE_FILE));
    const store = new ResultsStore(dir, writer, options);
    await store.updateMeta(meta);
    store.schedule();
    return store;
  }

  /** Read-only queries on what is durable so far; valid until `close()`. */
  get results(): ResultsReader {
    return this.reader;
  }

  get flushStats(): Readonly<FlushStats> {
    return { ...this.stats };
  }

  /**
   * How long the oldest sample, event or placement record not yet durable has waited, ms (0 when
   * everything is durable): what a sender must keep under a second, whatever the sample rate.
   */
  pendingAgeMs(now = performance.now()): number {
    const oldest = this.flushingSince[0] ?? this.bufferedSince;
    return oldest === undefined ? 0 : Math.max(0, now - oldest);
  }

  addSamples(samples: readonly Sample[]): void {
    if (samples.length === 0) return;
    this.bufferedSince ??= performance.now();
    for (const sample of samples) this.samples.push(sample);
    this.sampleCount += samples.length;
  }

  addEvents(events: readonly RunEvent[]): void {
    if (events.length === 0) return;
    this.bufferedSince ??= performance.now();
    for (const event of events) this.events.push(event);
  }

  addPlacement(records: readonly PlacementRecord[]): void {
    if (records.length === 0) return;
    this.bufferedSince ??= performance.now();
    for (const record of records) this.placement.push(record);
  }

  /** Merges `patch` into the run metadata: rewrites run.json atomically (temp file + rename)
   * and the store's `run_meta` table. */
  async updateMeta(patch: Record<string, unknown>): Promise<void> {
    this.meta = { ...this.meta, ...patch, formatVersion: RESULTS_FORMAT_VERSION };
    const meta = this.meta;
    await this.serialise(async () => {
      await writeJsonAtomic(join(this.dir, RUN_JSON_FILE), meta);
      if (!this.closed) await this.writer.replaceMeta(meta);
    });
  }

  /** Writes `value` as pretty JSON to `<dir>/<name>`, atomically. */
  async writeJson(name: string, value: unknown): Promise<void> {
    await writeJsonAtomic(join(this.dir, name), value);
  }

  /** Resolves when everything buffered before the call is durable. */
  flush(): Promise<void> {
    const samples = this.samples;
    const events = this.events;
    const placement = this.placement;
    const since = this.bufferedSince;
    this.samples = [];
    this.events = [];
    this.placement = [];
    this.bufferedSince = undefined;
    if (since === undefined) return this.writing;
    this.flushingSince.push(since);
    return this.serialise(async () => {
      try {
        await this.commitFlush(samples, events, placement, since);
      } finally {
        this.flushingSince.shift();
      }
    });
  }

  /** Writes one flush's data and commits; the first failure is kept and later flushes drop theirs. */
  private async commitFlush(samples: Sample[], events: RunEvent[], placement: PlacementRecord[], since: number): Promise<void> {
    if (this.failure || this.closed) return;
    const started = performance.now();
    try {
      await this.writer.appendSamples(samples, yieldToEventLoop);
      this.writer.appendEvents(events);
      this.writer.appendPlacement(placement);
      this.writer.commit();
    } catch (error) {
      this.fail(error);
      return;
    }
    const done = performance.now();
    const s = this.stats;
    s.flushes += 1;
    s.durableSamples += samples.length;
    s.lastFlushMs = done - started;
    s.lastLatencyMs = done - since;
    s.maxLatencyMs = Math.max(s.maxLatencyMs, s.lastLatencyMs);
    this.options.onFlush?.({ ...s });
  }

  /** Flushes everything, checkpoints and closes the store; rethrows the first write failure, if any. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
    await this.reader.close();
    await this.serialise(async () => {
      this.closed = true;
      await this.writer.close();
    });
    if (this.failure) throw this.failure;
  }

  /** Flushes, then schedules the next flush one interval after this one started. */
  private schedule(): void {
    const interval = Math.min(this.options.flushIntervalMs ?? FLUSH_INTERVAL_MS, FLUSH_INTERVAL_MS);
    const tick = (): void => {
      const started = performance.now();
      void this.flush().then(() => {
        if (this.closed || this.timer === undefined) return;
        this.timer = setTimeout(tick, Math.max(0, interval - (performance.now() - started)));
      });
    };
    this.timer = setTimeout(tick, interval);
  }

  private serialise(task: () => Promise<void>): Promise<void> {
    this.writing = this.writing.then(task).catch((error: unknown) => this.fail(error));
    return this.writing;
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.options.onError?.(this.failure);
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temp, file);
}
