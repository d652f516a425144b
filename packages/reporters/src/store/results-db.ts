import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection, type DuckDBResultReader, type DuckDBValue } from '@duckdb/node-api';
import { JltError } from '@jlt/core';
import { RESULTS_FORMAT_VERSION, STORE_FILE } from './schema.js';

/** A result cell as plain JavaScript: JSON columns parsed, integers as numbers when exact,
 * other DuckDB values (timestamps, lists, structs) as DuckDB's text form. */
export type Cell = null | boolean | number | string | bigint | object;

export interface QueryResult {
  columns: string[];
  /** DuckDB type names, e.g. `TIMESTAMP`, `DOUBLE`, `JSON`. */
  types: string[];
  rows: Cell[][];
}

/** How many times a live store is copied before giving up on a consistent snapshot. */
const SNAPSHOT_ATTEMPTS = 5;

/**
 * A read-only view of one run's store. A finished run is opened in place. A live run's file is
 * locked by its writer (DuckDB allows one writing process and no readers beside it), so it is
 * opened from a snapshot: the file and its write-ahead log are copied to a temp directory, and the
 * copy is retried until the file did not change meanwhile (the log only grows between checkpoints,
 * and a torn last record is dropped on replay). The snapshot holds what was durable when copied.
 */
export class ResultsDb {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** The temp directory of a snapshot, removed on close; undefined when opened in place. */
    readonly snapshotDir: string | undefined,
  ) {}

  /** Opens `<dir>/results.duckdb` read-only; throws a JltError naming the path when there is none. */
  static async open(dir: string): Promise<ResultsDb> {
    const file = await storeFile(dir);
    let db: ResultsDb;
    try {
      db = await ResultsDb.openFile(file, undefined);
    } catch (error) {
      if (!isLockConflict(error)) throw unreadable(file, error);
      db = await ResultsDb.openSnapshot(file);
    }
    try {
      await db.checkFormat(file);
    } catch (error) {
      await db.close();
      throw error;
    }
    return db;
  }

  private static async openFile(file: string, snapshotDir: string | undefined): Promise<ResultsDb> {
    const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    try {
      return new ResultsDb(instance, await instance.connect(), snapshotDir);
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  private static async openSnapshot(file: string): Promise<ResultsDb> {
    const dir = await mkdtemp(join(tmpdir(), 'jlt-snapshot-'));
    const copy = join(dir, STORE_FILE);
    try {
      for (let attempt = 1; attempt <= SNAPSHOT_ATTEMPTS; attempt++) {
        if (await copyConsistently(file, copy)) return await ResultsDb.openFile(copy, dir);
      }
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw unreadable(file, error);
    }
    await rm(dir, { recursive: true, force: true });
    throw new JltError('INTERNAL', `could not take a consistent snapshot of the live store ${file}`, {
      hint: 'the run is checkpointing heavily; retry, or query after the run ends',
    });
  }

  /** Runs `sql` (any statement DuckDB accepts on a read-only database) and returns every row. */
  async query(sql: string, params?: Record<string, DuckDBValue> | DuckDBValue[]): Promise<QueryResult> {
    return queryResult(await this.connection.runAndReadAll(sql, params));
  }

  /** Runs `sql` and returns rows as objects; the SQL casts columns to the types `T` declares. */
  async rows<T = Record<string, unknown>>(sql: string, params?: Record<string, DuckDBValue> | DuckDBValue[]): Promise<T[]> {
    return rowObjects<T>(await this.query(sql, params));
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
    if (this.snapshotDir) await rm(this.snapshotDir, { recursive: true, force: true });
  }

  private async checkFormat(file: string): Promise<void> {
    const { rows } = await this.query('SELECT max(version) FROM format_version').catch((error: unknown) => {
      throw unreadable(file, error);
    });
    const version = rows[0]?.[0];
    if (typeof version !== 'number') throw unreadable(file, new Error('format_version is empty'));
    if (version > RESULTS_FORMAT_VERSION) {
      throw new JltError('INVALID_ARGUMENT', `${file} was written by a newer jlt (results format ${version}; this jlt reads up to ${RESULTS_FORMAT_VERSION})`, {
        hint: 'use the jlt version that wrote the run',
      });
    }
  }
}

async function storeFile(dir: string): Promise<string> {
  const absolute = resolve(dir);
  const dirStat = await stat(absolute).catch(() => undefined);
  if (!dirStat?.isDirectory()) {
    throw new JltError('FILE_NOT_FOUND', `results directory not found: ${absolute}`, {
      hint: 'pass the directory of one run, e.g. results/<run-id>',
    });
  }
  const file = join(absolute, STORE_FILE);
  if (!(await stat(file).catch(() => undefined))?.isFile()) {
    throw new JltError('FILE_NOT_FOUND', `no results store in ${absolute} (expected ${file})`, {
      hint: 'pass the directory of one run, e.g. results/<run-id>, written by jlt run',
    });
  }
  return file;
}

/** Copies the store and its log to `copy`; false when the store file changed meanwhile. */
async function copyConsistently(file: string, copy: string): Promise<boolean> {
  const wal = `${file}.wal`;
  await rm(`${copy}.wal`, { force: true });
  const before = await stat(file);
  await copyFile(file, copy);
  await copyFile(wal, `${copy}.wal`).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  const after = await stat(file);
  return before.size === after.size && before.mtimeMs === after.mtimeMs;
}

/** A DuckDB result as plain JavaScript (see `Cell`). */
export function queryResult(reader: DuckDBResultReader): QueryResult {
  const types = reader.columnTypes();
  const isJson = types.map((t) => t.typeId === DuckDBTypeId.VARCHAR && t.alias === 'JSON');
  return {
    columns: reader.columnNames(),
    types: types.map((t) => t.toString()),
    rows: reader.getRows().map((row) => row.map((value, i) => toCell(value, isJson[i] ?? false))),
  };
}

export function rowObjects<T>({ columns, rows }: QueryResult): T[] {
  return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])) as T);
}

function toCell(value: DuckDBValue, json: boolean): Cell {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') return json ? (JSON.parse(value) as Cell) : value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  return value.toString();
}

function isLockConflict(error: unknown): boolean {
  return error instanceof Error && /Could not set lock|Conflicting lock/i.test(error.message);
}

function unreadable(file: string, cause: unknown): JltError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new JltError('INVALID_ARGUMENT', `cannot read the results store ${file}: ${reason}`, {
    hint: 'the file is not a jlt results store, or it is damaged',
    cause,
  });
}
