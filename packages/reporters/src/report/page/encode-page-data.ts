import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { PAGE_DATA_MAGIC, PAGE_DATA_VERSION, type EncodedHeader, type PageModel } from './page-model.js';

const gzipAsync = promisify(gzip);

/**
 * The page's data as the blob page-model.ts describes, gzip-compressed and base64-encoded for a
 * `<script type="application/octet-stream">` element. Every column must have `model.axis.count` values.
 */
export async function encodePageData(model: PageModel, columns: ReadonlyMap<string, Float32Array>): Promise<string> {
  const offsets: Record<string, number> = {};
  let floats = 0;
  for (const [name, values] of columns) {
    if (values.length !== model.axis.count) throw new Error(`column ${name} has ${values.length} values; the axis has ${model.axis.count}`);
    offsets[name] = floats;
    floats += values.length;
  }
  const header: EncodedHeader = { version: PAGE_DATA_VERSION, model, columns: offsets };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const dataStart = align4(8 + json.length);
  const bytes = new ArrayBuffer(dataStart + floats * 4);
  const blob = Buffer.from(bytes);
  blob.write(PAGE_DATA_MAGIC, 0, 'ascii');
  blob.writeUInt32LE(json.length, 4);
  json.copy(blob, 8);
  const data = new DataView(bytes, dataStart);
  let at = 0;
  for (const values of columns.values()) {
    for (const value of values) {
      data.setFloat32(at, value, true);
      at += 4;
    }
  }
  return (await gzipAsync(blob, { level: 9 })).toString('base64');
}

function align4(n: number): number {
  return (n + 3) & ~3;
}
