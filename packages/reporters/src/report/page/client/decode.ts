import { PAGE_DATA_MAGIC, PAGE_DATA_VERSION, type EncodedHeader, type PageModel } from '../page-model.js';

export interface PageData {
  model: PageModel;
  columns: Map<string, Float32Array>;
}

/** Decodes the embedded blob (base64 of gzip, see page-model.ts) with the browser's DecompressionStream. */
export async function decodePageData(base64: string): Promise<PageData> {
  const compressed = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const stream = new Blob([compressed]).stream().pipeThrough(new DecompressionStream('gzip'));
  return parsePageData(await new Response(stream).arrayBuffer());
}

/** Splits the decompressed blob into its model and columns. */
export function parsePageData(bytes: ArrayBuffer): PageData {
  const view = new DataView(bytes);
  const magic = String.fromCharCode(...new Uint8Array(bytes, 0, 4));
  if (magic !== PAGE_DATA_MAGIC) throw new Error('the embedded report data is damaged (bad magic)');
  const headerLength = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 8, headerLength))) as EncodedHeader;
  const version: number = header.version;
  if (version !== PAGE_DATA_VERSION) throw new Error(`report data version ${version} is not supported by this page`);
  const dataStart = (8 + headerLength + 3) & ~3;
  const count = header.model.axis.count;
  const columns = new Map<string, Float32Array>();
  for (const [name, offset] of Object.entries(header.columns)) {
    const values = new Float32Array(count);
    const base = dataStart + offset * 4;
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(base + i * 4, true);
    columns.set(name, values);
  }
  return { model: header.model, columns };
}
