import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isJltError } from '@jlt/core';
import { ResultsStore } from '../results-store.js';
import { exportResults } from './export-results.js';
import { queryStore } from './query-store.js';
import { ResultsDb } from './results-db.js';
import { RESULTS_FORMAT_VERSION, STORE_FILE } from './schema.js';

let root: string;
let run: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jlt-db-'));
  run = join(root, 'run');
  const store = await ResultsStore.create(run, { runId: 'run' });
  store.addSamples(Array.from({ length: 3_000 }, (_, i) => ({ metric: 'webrtc_rtt_ms', value: i, time: 1_700_000_000_000 + i, tags: { bridge: `jvb-${i % 2}` }, meta: { bot: `b${i}` } })));
  store.addEvents([{ time: 1_700_000_000_000, kind: 'bot-joined', level: 'info', message: 'joined' }]);
  store.addPlacement([{ time: 1_700_000_000_000, bridge: 'jvb-0', conference: 'c', endpoint: 'e', source: 'bot' }]);
  await store.close();
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; hint: string | undefined }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isJltError(error)) throw new Error(`expected a JltError, got ${String(error)}`);
  return { code: error.code, message: error.message, hint: error.hint };
}

describe('ResultsDb and queryStore', () => {
  it('names the path when the directory or the store is missing', async () => {
    const missing = join(root, 'nope');
    expect(await failure(ResultsDb.open(missing))).toMatchObject({ code: 'FILE_NOT_FOUND', message: `results directory not found: ${missing}` });
    const empty = join(root, 'empty');
    await mkdir(empty);
    expect(await failure(ResultsDb.open(empty))).toMatchObject({ code: 'FILE_NOT_FOUND', message: `no results store in ${empty} (expected ${join(empty, STORE_FILE)})` });
  });

  it('refuses a file that is not a store and a store of a newer format', async () => {
    const junk = join(root, 'junk');
    await mkdir(junk);
    await writeFile(join(junk, STORE_FILE), 'not a database');
    expect(await failure(ResultsDb.open(junk))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`cannot read the results store ${join(junk, STORE_FILE)}`) as string });

    const newer = join(root, 'newer');
    await mkdir(newer);
    const instance = await DuckDBInstance.create(join(newer, STORE_FILE));
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE format_version (version INTEGER); INSERT INTO format_version VALUES (${RESULTS_FORMAT_VERSION + 1})`);
    connection.closeSync();
    instance.closeSync();
    expect(await failure(ResultsDb.open(newer))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(`newer jlt (results format ${RESULTS_FORMAT_VERSION + 1}`) as string });
  });

  it('runs SQL read-only and reports SQL errors as invalid input', async () => {
    expect(await queryStore(run, 'SELECT bridge, count(*) AS n FROM samples GROUP BY bridge ORDER BY bridge')).toEqual({
      columns: ['bridge', 'n'],
      types: ['VARCHAR', 'BIGINT'],
      rows: [
        ['jvb-0', 1_500],
        ['jvb-1', 1_500],
      ],
    });
    expect(await failure(queryStore(run, 'SELEC 1'))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^query failed: Parser Error/) as string });
    expect(await failure(queryStore(run, 'DELETE FROM samples'))).toMatchObject({ message: expect.stringMatching(/read-only/) as string });
    expect((await queryStore(run, 'SELECT count(*) FROM samples')).rows).toEqual([[3_000]]);
  });
});

describe('exportResults', () => {
  it.each(['parquet', 'csv'] as const)('writes samples, events and placement as %s', async (format) => {
    const out = join(root, `export-${format}`);
    const exported = await exportResults(run, format, out);
    expect(exported).toEqual([
      { table: 'samples', file: join(out, `samples.${format}`), rows: 3_000 },
      { table: 'events', file: join(out, `events.${format}`), rows: 1 },
      { table: 'placement', file: join(out, `placement.${format}`), rows: 1 },
    ]);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = format === 'parquet' ? 'read_parquet' : 'read_csv';
      const check = await connection.runAndReadAll(
        `SELECT count(*)::INTEGER AS n, sum(value)::DOUBLE AS total, max(json_extract_string(meta, '$.bot')) AS bot FROM ${reader}('${join(out, `samples.${format}`)}')`,
      );
      expect(check.getRowObjectsJS()).toEqual([{ n: 3_000, total: (3_000 * 2_999) / 2, bot: 'b999' }]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
