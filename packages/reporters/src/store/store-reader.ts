import type { DuckDBValue } from '@duckdb/node-api';
import type { QueryResult } from './results-db.js';

/**
 * What reports and insights need from a results store: read-only SQL. `ResultsDb` is one (a
 * finished, live or killed store); so is the read handle a run gives its outputs on its own live
 * store, which lets the same code build the report at the end of a run and from a directory later.
 */
export interface StoreReader {
  query(sql: string, params?: Record<string, DuckDBValue> | DuckDBValue[]): Promise<QueryResult>;
}

/** Rows as objects keyed by column name; the SQL casts columns to the types `T` declares. */
export async function readRows<T>(reader: StoreReader, sql: string, params?: Record<string, DuckDBValue> | DuckDBValue[]): Promise<T[]> {
  const { columns, rows } = await reader.query(sql, params);
  return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])) as T);
}
