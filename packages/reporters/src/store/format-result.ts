import type { Cell, QueryResult } from './results-db.js';

export const RESULT_FORMATS = ['table', 'json', 'csv'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** Renders a query result: `table` aligns columns (numbers right) with a row count, `json` is an
 * array of objects, `csv` is RFC 4180 with a header. Every format ends with a newline. */
export function formatResult(result: QueryResult, format: ResultFormat): string {
  switch (format) {
    case 'table':
      return formatTable(result);
    case 'json':
      return `${JSON.stringify(result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]]))), jsonSafe, 2)}\n`;
    case 'csv':
      return [result.columns, ...result.rows.map((row) => row.map((cell) => (cell === null ? '' : text(cell))))]
        .map((fields) => `${fields.map(csvField).join(',')}\n`)
        .join('');
  }
}

function formatTable({ columns, rows }: QueryResult): string {
  const cells = rows.map((row) => row.map((cell) => (cell === null ? 'NULL' : text(cell))));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((row) => row[i] === null || typeof row[i] === 'number' || typeof row[i] === 'bigint'));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((row) => row[i]!.length)));
  const line = (fields: string[]): string =>
    `${fields.map((f, i) => (numeric[i] ? f.padStart(widths[i]!) : f.padEnd(widths[i]!))).join('  ').trimEnd()}\n`;
  return [
    line(columns),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
    `(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})\n`,
  ].join('');
}

function text(cell: Exclude<Cell, null>): string {
  if (typeof cell === 'object') return JSON.stringify(cell, jsonSafe);
  return String(cell);
}

function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}
