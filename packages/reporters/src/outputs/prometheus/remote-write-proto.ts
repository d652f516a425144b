/**
 * Protobuf encoding of remote write 1.0's `prometheus.WriteRequest` (prompb/remote.proto,
 * prompb/types.proto), the fields this output uses:
 *
 *   WriteRequest   { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
 *   TimeSeries     { repeated Label labels = 1; repeated Sample samples = 2; }
 *   Label          { string name = 1; string value = 2; }
 *   Sample         { double value = 1; int64 timestamp = 2; }   // ms since the epoch
 *   MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
 *
 * Sizes are computed first and the message written into one buffer of exactly that size.
 * A series' labels are encoded once (`encodeLabels`) and reused by every request that carries it.
 */
export interface EncodedSeries {
  /** The series' Label fields (tag 1 each), already encoded, labels sorted by name. */
  labels: Uint8Array;
  samples: readonly { value: number; timestamp: number }[];
}

/** Prometheus's metadata types (prompb.MetricMetadata.MetricType). */
export const METADATA_TYPE = { counter: 1, gauge: 2, histogram: 3 } as const;

export interface EncodedMetadata {
  type: (typeof METADATA_TYPE)[keyof typeof METADATA_TYPE];
  family: string;
  help: string;
  unit: string;
}

/** Labels as `[name, value]` pairs, sorted here by name (the spec requires it), `__name__` included. */
export function encodeLabels(labels: readonly (readonly [string, string])[]): Uint8Array {
  const sorted = [...labels].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const fields = sorted.map(([name, value]) => {
    const body = stringFieldSize(name) + stringFieldSize(value);
    return { name, value, body };
  });
  const size = fields.reduce((total, f) => total + 1 + varintSize(f.body) + f.body, 0);
  const writer = new Writer(size);
  for (const field of fields) {
    writer.tag(1, 2).varint(field.body);
    writer.string(1, field.name).string(2, field.value);
  }
  return writer.done();
}

export function encodeWriteRequest(series: readonly EncodedSeries[], metadata: readonly EncodedMetadata[] = []): Uint8Array {
  const seriesSizes = series.map((s) => s.labels.length + s.samples.reduce((total, sample) => total + 1 + 1 + sampleSize(sample.timestamp), 0));
  const metadataSizes = metadata.map((m) => 1 + varintSize(m.type) + stringFieldSize(m.family) + stringFieldSize(m.help) + stringFieldSize(m.unit));
  const size =
    seriesSizes.reduce((total, s) => total + 1 + varintSize(s) + s, 0) + metadataSizes.reduce((total, m) => total + 1 + varintSize(m) + m, 0);
  const writer = new Writer(size);
  series.forEach((s, index) => {
    writer.tag(1, 2).varint(seriesSizes[index]!);
    writer.raw(s.labels);
    for (const sample of s.samples) {
      writer.tag(2, 2).varint(sampleSize(sample.timestamp));
      writer.tag(1, 1).double(sample.value);
      writer.tag(2, 0).varint(sample.timestamp);
    }
  });
  metadata.forEach((m, index) => {
    writer.tag(3, 2).varint(metadataSizes[index]!);
    writer.tag(1, 0).varint(m.type);
    writer.string(2, m.family).string(4, m.help).string(5, m.unit);
  });
  return writer.done();
}

function sampleSize(timestamp: number): number {
  return 1 + 8 + 1 + varintSize(timestamp);
}

/** Encoded size of a string field: tag, length, UTF-8 bytes; 0 for the empty string (proto3 default). */
function stringFieldSize(value: string): number {
  if (value === '') return 0;
  const bytes = Buffer.byteLength(value);
  return 1 + varintSize(bytes) + bytes;
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

class Writer {
  private readonly buffer: Buffer;
  private offset = 0;

  constructor(size: number) {
    this.buffer = Buffer.allocUnsafe(size);
  }

  tag(field: number, wireType: number): this {
    this.buffer[this.offset++] = (field << 3) | wireType;
    return this;
  }

  varint(value: number): this {
    // Timestamps pass 2^32, so no bitwise operators on the value itself.
    while (value >= 0x80) {
      this.buffer[this.offset++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buffer[this.offset++] = value;
    return this;
  }

  double(value: number): this {
    this.buffer.writeDoubleLE(value, this.offset);
    this.offset += 8;
    return this;
  }

  string(field: number, value: string): this {
    if (value === '') return this;
    this.tag(field, 2).varint(Buffer.byteLength(value));
    this.offset += this.buffer.write(value, this.offset, 'utf8');
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.buffer.set(bytes, this.offset);
    this.offset += bytes.length;
    return this;
  }

  done(): Uint8Array {
    if (this.offset !== this.buffer.length) throw new Error(`protobuf size mismatch: wrote ${this.offset} of ${this.buffer.length} bytes`);
    return this.buffer;
  }
}
