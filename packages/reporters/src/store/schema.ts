/**
 * The layout of `results/<run-id>/results.duckdb`. Bumped whenever a table or column changes;
 * readers refuse stores written with a newer version. Version 2 replaced the JSONL files of
 * version 1 with this DuckDB file.
 */
export const RESULTS_FORMAT_VERSION = 2;

export const STORE_FILE = 'results.duckdb';
export const RUN_JSON_FILE = 'run.json';

/** The common low-cardinality tags, copied into their own columns (NULL when absent) so that
 * group-by and ASOF joins on them need no JSON extraction; `tags` still holds every tag. */
export const TAG_COLUMNS = ['scenario', 'agent', 'bridge', 'conference'] as const;
export type TagColumn = (typeof TAG_COLUMNS)[number];

/** Tables read by `jlt export` and by reports, in a stable order. */
export const DATA_TABLES = ['samples', 'events', 'placement'] as const;
export type DataTable = (typeof DATA_TABLES)[number];

/**
 * `time` is TIMESTAMP (microseconds): sample times are coordinator milliseconds that may carry a
 * fraction after clock-offset correction, and microseconds keep it where milliseconds would not.
 * Column order is the appenders' order; change both together.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS format_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS samples (
  time TIMESTAMP NOT NULL,
  metric VARCHAR NOT NULL,
  value DOUBLE NOT NULL,
  scenario VARCHAR,
  agent VARCHAR,
  bridge VARCHAR,
  conference VARCHAR,
  tags JSON NOT NULL,
  meta JSON
);
CREATE TABLE IF NOT EXISTS events (
  time TIMESTAMP NOT NULL,
  kind VARCHAR NOT NULL,
  level VARCHAR NOT NULL,
  message VARCHAR NOT NULL,
  tags JSON,
  meta JSON
);
CREATE TABLE IF NOT EXISTS placement (
  time TIMESTAMP NOT NULL,
  bridge VARCHAR NOT NULL,
  conference VARCHAR NOT NULL,
  endpoint VARCHAR NOT NULL,
  source VARCHAR NOT NULL,
  relays JSON
);
CREATE TABLE IF NOT EXISTS run_meta (key VARCHAR PRIMARY KEY, value JSON);
`;

/** Milliseconds (possibly fractional) to DuckDB TIMESTAMP microseconds. */
export function msToMicros(ms: number): bigint {
  return BigInt(Math.round(ms * 1000));
}
