import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parsePageData } from './client/decode.js';
import { encodePageData } from './encode-page-data.js';
import type { PageModel } from './page-model.js';

const model: PageModel = {
  title: 'run <1>',
  axis: { kind: 'clock', startMs: 1_700_000_000_000, stepMs: 1000, count: 4 },
  charts: [{ id: 'chart-0', title: 'RTT', unit: 'ms', series: [{ label: 'p95', column: 'c0', color: '#0072b2' }] }],
  placementMaps: {},
};

describe('encodePageData and the page decoder', () => {
  it('round-trips the model and every column, NaN included', async () => {
    const columns = new Map([
      ['c0', Float32Array.from([1.5, NaN, 3, 4e9])],
      ['c1', Float32Array.from([NaN, NaN, NaN, -2])],
    ]);
    const blob = gunzipSync(Buffer.from(await encodePageData(model, columns), 'base64'));
    const decoded = parsePageData(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
    expect(decoded.model).toEqual(model);
    expect([...decoded.columns.keys()]).toEqual(['c0', 'c1']);
    expect([...decoded.columns.get('c0')!]).toEqual([1.5, NaN, 3, 4e9]);
    expect([...decoded.columns.get('c1')!]).toEqual([NaN, NaN, NaN, -2]);
  });

  it('refuses a column whose length is not the axis length', async () => {
    await expect(encodePageData(model, new Map([['c0', new Float32Array(3)]]))).rejects.toThrow('column c0 has 3 values; the axis has 4');
  });

  it('refuses damaged data', () => {
    expect(() => parsePageData(new Uint8Array([1, 2, 3, 4, 0, 0, 0, 0]).buffer)).toThrow('damaged');
  });
});
