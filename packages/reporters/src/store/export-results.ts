import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ResultsDb } from './results-db.js';
import { DATA_TABLES, type DataTable } from './schema.js';

export const EXPORT_FORMATS = ['parquet', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportedTable {
  table: DataTable;
  file: string;
  rows: number;
}

const COPY_OPTIONS: Record<ExportFormat, string> = {
  parquet: 'FORMAT parquet, COMPRESSION zstd',
  csv: 'FORMAT csv, HEADER true',
};

/**
 * Writes the samples, events and placement tables of the run in `dir` to `<outDir>/<table>.<format>`
 * with DuckDB's COPY (streaming, so a 20M-sample run needs no more memory than a small one).
 * JSON columns (`tags`, `meta`) are written as JSON text; times as timestamps (UTC).
 */
export async function exportResults(dir: string, format: ExportFormat, outDir: string): Promise<ExportedTable[]> {
  const db = await ResultsDb.open(dir);
  try {
    const out = resolve(outDir);
    await mkdir(out, { recursive: true });
    const exported: ExportedTable[] = [];
    for (const table of DATA_TABLES) {
      const file = join(out, `${table}.${format}`);
      await db.query(`COPY (SELECT * FROM ${table} ORDER BY time) TO '${file.replaceAll("'", "''")}' (${COPY_OPTIONS[format]})`);
      const { rows } = await db.query(`SELECT count(*) FROM ${table}`);
      exported.push({ table, file, rows: Number(rows[0]?.[0] ?? 0) });
    }
    return exported;
  } finally {
    await db.close();
  }
}
