import {
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTimestampValue,
  TIMESTAMP,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBDoubleVector,
  type DuckDBTimestampVector,
  type DuckDBVarCharVector,
} from '@duckdb/node-api';
import { JltError, type PlacementRecord, type RunEvent, type Sample } from '@jlt/core';
import { RESULTS_FORMAT_VERSION, SCHEMA_SQL, msToMicros } from './schema.js';

/**
 * WAL size that triggers an automatic checkpoint (DuckDB's default is 16MB). Larger means fewer
 * checkpoints on the flush path and a longer quiet window in which a live reader can copy the file
 * consistently (see ResultsDb); the cost is a longer log replay after a crash, about a second.
 */
const CHECKPOINT_THRESHOLD = '64MB';

/** Rows per appended data chunk: DuckDB's vector size, and the unit of work between yields. */
const CHUNK_ROWS = 2048;

const SAMPLE_TYPES = [TIMESTAMP, VARCHAR, DOUBLE, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR, VARCHAR];

/**
 * The single writing connection to a store file. Samples go in as column-filled data chunks
 * through an appender (no SQL per row); `commit()` flushes every appender, which commits to
 * DuckDB's write-ahead log, so committed rows survive the process being killed.
 *
 * Not safe for concurrent use: the caller serialises calls.
 */
export class StoreWriter {
  private readonly chunk = DuckDBDataChunk.create(SAMPLE_TYPES, CHUNK_ROWS);
  /** JSON text per tags or meta object: samples of one decoded batch share those objects. */
  private readonly jsonOf = new WeakMap<object, string>();
  /** Appenders with rows since the last commit; flushing an empty one would still cost a commit. */
  private readonly pending = new Set<DuckDBAppender>();

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly samples: DuckDBAppender,
    private readonly events: DuckDBAppender,
    private readonly placement: DuckDBAppender,
  ) {}

  static async open(path: string): Promise<StoreWriter> {
    const instance = await DuckDBInstance.create(path, { checkpoint_threshold: CHECKPOINT_THRESHOLD });
    try {
      const connection = await instance.connect();
      await connection.run(SCHEMA_SQL);
      const versions = await connection.runAndReadAll('SELECT max(version)::INTEGER AS v FROM format_version');
      const existing = versions.getRowsJS()[0]?.[0] as number | null | undefined;
      if (existing == null) {
        await connection.run('INSERT INTO format_version VALUES ($1)', [RESULTS_FORMAT_VERSION]);
      } else if (existing !== RESULTS_FORMAT_VERSION) {
        throw new JltError('INVALID_ARGUMENT', `${path} holds results format ${existing}; this jlt writes format ${RESULTS_FORMAT_VERSION}`, {
          hint: 'write the run to a new results directory',
        });
      }
      return new StoreWriter(
        instance,
        connection,
        await connection.createAppender('samples'),
        await connection.createAppender('events'),
        await connection.createAppender('placement'),
      );
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  /**
   * Appends `samples` in chunks of 2048 rows, awaiting `pause()` between chunks so a large flush
   * never holds the event loop for more than one chunk's work.
   */
  async appendSamples(samples: readonly Sample[], pause: () => Promise<void>): Promise<void> {
    for (let offset = 0; offset < samples.length; offset += CHUNK_ROWS) {
      if (offset > 0) await pause();
      this.appendSampleChunk(samples, offset, Math.min(offset + CHUNK_ROWS, samples.length));
    }
  }

  private appendSampleChunk(samples: readonly Sample[], from: number, to: number): void {
    const chunk = this.chunk;
    chunk.reset();
    chunk.rowCount = to - from;
    const time = chunk.getColumnVector(0) as DuckDBTimestampVector;
    const metric = chunk.getColumnVector(1) as DuckDBVarCharVector;
    const value = chunk.getColumnVector(2) as DuckDBDoubleVector;
    const scenario = chunk.getColumnVector(3) as DuckDBVarCharVector;
    const agent = chunk.getColumnVector(4) as DuckDBVarCharVector;
    const bridge = chunk.getColumnVector(5) as DuckDBVarCharVector;
    const conference = chunk.getColumnVector(6) as DuckDBVarCharVector;
    const tags = chunk.getColumnVector(7) as DuckDBVarCharVector;
    const meta = chunk.getColumnVector(8) as DuckDBVarCharVector;
    for (let i = from; i < to; i++) {
      const sample = samples[i]!;
      const row = i - from;
      const t = sample.tags;
      time.setItem(row, new DuckDBTimestampValue(msToMicros(sample.time)));
      metric.setItem(row, sample.metric);
      value.setItem(row, sample.value);
      scenario.setItem(row, t.scenario ?? null);
      agent.setItem(row, t.agent ?? null);
      bridge.setItem(row, t.bridge ?? null);
      conference.setItem(row, t.conference ?? null);
      tags.setItem(row, this.json(t));
      meta.setItem(row, sample.meta === undefined ? null : this.json(sample.meta));
    }
    for (const vector of [time, metric, value, scenario, agent, bridge, conference, tags, meta]) vector.flush();
    this.samples.appendDataChunk(chunk);
    this.pending.add(this.samples);
  }

  private json(value: object): string {
    let text = this.jsonOf.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      this.jsonOf.set(value, text);
    }
    return text;
  }

  appendEvents(events: readonly RunEvent[]): void {
    if (events.length === 0) return;
    const a = this.events;
    this.pending.add(a);
    for (const event of events) {
      a.appendTimestamp(new DuckDBTimestampValue(msToMicros(event.time)));
      a.appendVarchar(event.kind);
      a.appendVarchar(event.level);
      a.appendVarchar(event.message);
      if (event.tags === undefined) a.appendNull();
      else a.appendVarchar(JSON.stringify(event.tags));
      if (event.meta === undefined) a.appendNull();
      else a.appendVarchar(JSON.stringify(event.meta));
      a.endRow();
    }
  }

  appendPlacement(records: readonly PlacementRecord[]): void {
    if (records.length === 0) return;
    const a = this.placement;
    this.pending.add(a);
    for (const record of records) {
      a.appendTimestamp(new DuckDBTimestampValue(msToMicros(record.time)));
      a.appendVarchar(record.bridge);
      a.appendVarchar(record.conference);
      a.appendVarchar(record.endpoint);
      a.appendVarchar(record.source);
      if (record.relays === undefined) a.appendNull();
      else a.appendVarchar(JSON.stringify(record.relays));
      a.endRow();
    }
  }

  /** Makes everything appended so far durable (committed to the write-ahead log). */
  commit(): void {
    for (const appender of this.pending) appender.flushSync();
    this.pending.clear();
  }

  /** Replaces the `run_meta` rows with `meta`, one row per top-level key. */
  async replaceMeta(meta: Readonly<Record<string, unknown>>): Promise<void> {
    const entries = Object.entries(meta);
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await this.connection.run('DELETE FROM run_meta');
      for (const [key, value] of entries) {
        await this.connection.run('INSERT INTO run_meta VALUES ($1, $2::JSON)', [key, JSON.stringify(value ?? null)]);
      }
      await this.connection.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK');
      throw error;
    }
  }

  /**
   * A second connection to the same database, for queries while the run writes: it sees what
   * `commit()` made durable. The caller closes it before `close()`.
   */
  connectReader(): Promise<DuckDBConnection> {
    return this.instance.connect();
  }

  /** Commits, folds the write-ahead log into the file (so it opens fast and copies alone) and closes. */
  async close(): Promise<void> {
    try {
      this.commit();
      this.samples.closeSync();
      this.events.closeSync();
      this.placement.closeSync();
      await this.connection.run('CHECKPOINT');
    } finally {
      this.connection.closeSync();
      this.instance.closeSync();
    }
  }
}
