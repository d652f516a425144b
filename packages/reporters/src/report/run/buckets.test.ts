import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCraftedStore, series } from '../../test-support/crafted-store.js';
import { axisFrom, bucketSql, elapsedAxis, readBucketed } from './buckets.js';

describe('elapsedAxis', () => {
  it('covers the longest run from time 0 in the run report’s bucket widths', () => {
    expect(elapsedAxis(95_000)).toEqual({ kind: 'elapsed', startMs: 0, stepMs: 1000, count: 96 });
    expect(elapsedAxis(3_600_000)).toMatchObject({ kind: 'elapsed', startMs: 0, stepMs: 5000, count: 721 });
  });
});

describe('axisFrom', () => {
  const startA = Date.UTC(2026, 0, 1, 10, 0, 0, 250);
  const startB = Date.UTC(2026, 0, 1, 11, 30, 0, 900);
  let store: Awaited<ReturnType<typeof openCraftedStore>>;
  beforeAll(async () => {
    // The same 10 s of data in two runs an hour and a half apart, at different sub-second offsets.
    const tags = { scenario: 's', bridge: 'jvb-1' };
    store = await openCraftedStore({
      samples: [...series('jvb_stress', { ...tags, conference: 'a' }, startA + 2000, 1000, 10, (i) => i), ...series('jvb_stress', { ...tags, conference: 'b' }, startB + 2000, 1000, 10, (i) => i)],
    });
  });
  afterAll(() => store?.dispose());

  it('puts each run’s samples into the buckets of their time since that run’s start', async () => {
    const axis = elapsedAxis(15_000);
    const read = async (origin: number, conference: string): Promise<number[]> => {
      const onRunClock = axisFrom(axis, origin);
      expect(onRunClock).toEqual({ ...axis, kind: 'clock', startMs: origin });
      const bucketed = await readBucketed(
        store.db,
        onRunClock,
        `SELECT conference AS k, ${bucketSql(onRunClock)} AS b, avg(value)::DOUBLE AS v FROM samples WHERE conference = '${conference}' GROUP BY ALL`,
        ['v'],
      );
      return [...bucketed.get(conference)!.v!];
    };
    const expected = [NaN, NaN, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, NaN, NaN, NaN, NaN];
    expect(await read(startA, 'a')).toEqual(expected);
    expect(await read(startB, 'b')).toEqual(expected);
  });
});
