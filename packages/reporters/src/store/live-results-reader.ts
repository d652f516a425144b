import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { JltError, type ResultsReader, type SqlParam } from '@jlt/core';
import { queryResult, rowObjects } from './results-db.js';

/**
 * Queries a store while its run writes it, on a connection of its own to the writer's database
 * (DuckDB lets one process hold the file; a second connection there sees every committed row).
 * Only single SELECT statements run, so an output cannot change the record by mistake.
 */
export class LiveResultsReader implements ResultsReader {
  private connection: Promise<DuckDBConnection> | undefined;
  private closed = false;

  constructor(private readonly connect: () => Promise<DuckDBConnection>) {}

  async rows<T = Record<string, unknown>>(sql: string, params: SqlParam[] = []): Promise<T[]> {
    if (this.closed) throw new JltError('INTERNAL', 'the results store is closed; query it before the run has stopped its outputs');
    const connection = await (this.connection ??= this.connect());
    const statements = await connection.extractStatements(sql);
    if (statements.count !== 1) throw refused(`${statements.count} statements given, one query expected`);
    const prepared = await statements.prepare(0);
    try {
      if (prepared.statementType !== StatementType.SELECT) throw refused('only queries (SELECT, WITH …) may run on a live store');
      if (params.length > 0) prepared.bind(params);
      return rowObjects<T>(queryResult(await prepared.runAndReadAll()));
    } finally {
      prepared.destroySync();
    }
  }

  /** Closes the connection; later queries are refused. */
  async close(): Promise<void> {
    this.closed = true;
    const connection = await this.connection?.catch(() => undefined);
    connection?.closeSync();
  }
}

function refused(why: string): JltError {
  return new JltError('INVALID_ARGUMENT', `results query refused: ${why}`);
}
