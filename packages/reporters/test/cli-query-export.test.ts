import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsStore } from '../src/results-store.js';
import { assertJltBuilt, jlt } from './run-jlt.js';

let root: string;
let run: string;
beforeAll(async () => {
  assertJltBuilt();
  root = await mkdtemp(join(tmpdir(), 'jlt-cli-store-'));
  run = join(root, 'run-1');
  const store = await ResultsStore.create(run, { runId: 'run-1', status: 'passed' });
  store.addSamples(
    Array.from({ length: 100 }, (_, i) => ({
      metric: i % 2 === 0 ? 'webrtc_rtt_ms' : 'jvb_stress',
      value: i,
      time: 1_700_000_000_000 + i * 100,
      tags: { bridge: `jvb-${i % 4 < 2 ? 1 : 2}`, conference: 'c, "quoted"' },
      meta: { bot: `b${i}` },
    })),
  );
  store.addEvents([{ time: 1_700_000_000_000, kind: 'bot-joined', level: 'info', message: 'joined' }]);
  store.addPlacement([{ time: 1_700_000_000_000, bridge: 'jvb-1', conference: 'c', endpoint: 'e1', source: 'debug' }]);
  await store.close();
});
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const perBridge = "SELECT bridge, count(*) AS n, max(value) AS top FROM samples WHERE metric = 'webrtc_rtt_ms' GROUP BY bridge ORDER BY bridge";

describe('jlt query', () => {
  it('prints an aligned table', async () => {
    const result = await jlt('query', run, perBridge);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.split('\n')).toEqual(['bridge   n  top', '------  --  ---', 'jvb-1   25   96', 'jvb-2   25   98', '(2 rows)', '']);
  });

  it('prints JSON with JSON columns as objects, and CSV with quoting', async () => {
    const json = await jlt('query', run, 'SELECT value, tags, meta FROM samples ORDER BY value LIMIT 2', '--format', 'json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([
      { value: 0, tags: { bridge: 'jvb-1', conference: 'c, "quoted"' }, meta: { bot: 'b0' } },
      { value: 1, tags: { bridge: 'jvb-1', conference: 'c, "quoted"' }, meta: { bot: 'b1' } },
    ]);
    const csv = await jlt('query', run, 'SELECT conference, value FROM samples ORDER BY value LIMIT 1', '--format', 'csv');
    expect(csv).toMatchObject({ code: 0, stdout: 'conference,value\n"c, ""quoted""",0\n' });
  });

  it('reports a SQL error or a write attempt as invalid input, without a stack', async () => {
    for (const sql of ['SELECT nope FROM samples', "INSERT INTO events VALUES (now(), 'k', 'info', 'm', NULL, NULL)"]) {
      const result = await jlt('query', run, sql);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^error: query failed: /);
      expect(result.stderr).toMatch(/\nhint: the store is read-only; tables: samples, events, placement/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('names the path of a missing directory and of a directory without a store', async () => {
    const missing = join(root, 'missing');
    expect(await jlt('query', missing, 'SELECT 1')).toMatchObject({ code: 2, stderr: expect.stringContaining(`results directory not found: ${missing}`) as string });
    const empty = join(root, 'empty');
    await mkdir(empty);
    expect(await jlt('query', empty, 'SELECT 1')).toMatchObject({ code: 2, stderr: expect.stringContaining(`no results store in ${empty}`) as string });
  });
});

describe('jlt export', () => {
  it('writes Parquet files that jlt query can read back', async () => {
    const result = await jlt('export', run, '--format', 'parquet');
    const out = join(run, 'export');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      `${join(out, 'samples.parquet')} (100 rows)\n${join(out, 'events.parquet')} (1 row)\n${join(out, 'placement.parquet')} (1 row)\n`,
    );
    const back = await jlt('query', run, `SELECT count(*) AS n, sum(value) AS total FROM read_parquet('${join(out, 'samples.parquet')}')`, '--format', 'json');
    expect(JSON.parse(back.stdout)).toEqual([{ n: 100, total: 4950 }]);
  });

  it('writes CSV to --out', async () => {
    const out = join(root, 'csv-out');
    const result = await jlt('export', run, '--format', 'csv', '--out', out);
    expect(result.code).toBe(0);
    const placement = await readFile(join(out, 'placement.csv'), 'utf8');
    expect(placement.split('\n')[0]).toBe('time,bridge,conference,endpoint,source,relays');
    expect(placement.split('\n')[1]).toMatch(/,jvb-1,c,e1,debug,$/);
  });

  it('rejects an unknown format with the valid ones', async () => {
    const result = await jlt('export', run, '--format', 'xlsx');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Choices: "parquet", "csv"/);
  });
});
