import { JltError } from '@jlt/core';
import { ResultsDb, type QueryResult } from './results-db.js';
import { DATA_TABLES } from './schema.js';

/** Runs user SQL read-only against the run in `dir`; DuckDB's complaints become invalid-input errors. */
export async function queryStore(dir: string, sql: string): Promise<QueryResult> {
  const db = await ResultsDb.open(dir);
  try {
    return await db.query(sql);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new JltError('INVALID_ARGUMENT', `query failed: ${reason}`, {
      hint: `the store is read-only; tables: ${DATA_TABLES.join(', ')}, run_meta, format_version (try "DESCRIBE samples")`,
      cause: error,
    });
  } finally {
    await db.close();
  }
}
