/**
 * Snappy's block format (https://github.com/google/snappy/blob/main/format_description.txt), the
 * compression remote write requires: the uncompressed length as a varint, then literals and copies.
 * The input is compressed in independent 64 KiB blocks (so every copy offset fits two bytes), each
 * with a hash table of 4-byte sequences: a match is extended as far as it goes and emitted as copies
 * of at most 64 bytes; everything between matches is a literal.
 */
const BLOCK_SIZE = 1 << 16;
const HASH_BITS = 14;
const MIN_MATCH = 4;

export function snappyCompress(input: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new ByteSink(32 + input.length + Math.ceil(input.length / 6));
  out.varint(input.length);
  const table = new Int32Array(1 << HASH_BITS);
  for (let start = 0; start < input.length; start += BLOCK_SIZE) {
    compressBlock(input, start, Math.min(start + BLOCK_SIZE, input.length), table, out);
  }
  return out.bytes();
}

function compressBlock(src: Uint8Array, start: number, end: number, table: Int32Array, out: ByteSink): void {
  table.fill(-1);
  let literalStart = start;
  let i = start;
  while (i + MIN_MATCH <= end) {
    const word = read32(src, i);
    const hash = Math.imul(word, 0x1e35a7bd) >>> (32 - HASH_BITS);
    const candidate = table[hash]!;
    table[hash] = i;
    if (candidate < start || read32(src, candidate) !== word) {
      i++;
      continue;
    }
    let length = MIN_MATCH;
    while (i + length < end && src[candidate + length] === src[i + length]) length++;
    emitLiteral(src, literalStart, i, out);
    emitCopy(i - candidate, length, out);
    i += length;
    literalStart = i;
  }
  emitLiteral(src, literalStart, end, out);
}

function read32(src: Uint8Array, at: number): number {
  return (src[at]! | (src[at + 1]! << 8) | (src[at + 2]! << 16) | (src[at + 3]! << 24)) >>> 0;
}

function emitLiteral(src: Uint8Array, from: number, to: number, out: ByteSink): void {
  const length = to - from;
  if (length === 0) return;
  const n = length - 1;
  if (n < 60) out.byte(n << 2);
  else if (n < 1 << 8) out.byte(60 << 2).byte(n);
  else if (n < 1 << 16) out.byte(61 << 2).byte(n & 0xff).byte(n >>> 8);
  else if (n < 1 << 24) out.byte(62 << 2).byte(n & 0xff).byte((n >>> 8) & 0xff).byte(n >>> 16);
  else out.byte(63 << 2).byte(n & 0xff).byte((n >>> 8) & 0xff).byte((n >>> 16) & 0xff).byte(n >>> 24);
  out.copy(src, from, to);
}

/** A match of any length as copies of 4..64 bytes (the format's limits); offsets are below 64 KiB. */
function emitCopy(offset: number, length: number, out: ByteSink): void {
  while (length >= 68) {
    copy2(offset, 64, out);
    length -= 64;
  }
  if (length > 64) {
    copy2(offset, 60, out);
    length -= 60;
  }
  if (length < 12 && offset < 2048) out.byte(((offset >>> 8) << 5) | ((length - 4) << 2) | 1).byte(offset & 0xff);
  else copy2(offset, length, out);
}

function copy2(offset: number, length: number, out: ByteSink): void {
  out.byte(((length - 1) << 2) | 2).byte(offset & 0xff).byte(offset >>> 8);
}

class ByteSink {
  private buffer: Uint8Array<ArrayBuffer>;
  private length = 0;

  constructor(capacity: number) {
    this.buffer = new Uint8Array(capacity);
  }

  byte(value: number): this {
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  varint(value: number): void {
    while (value >= 0x80) {
      this.byte((value & 0x7f) | 0x80);
      value = Math.floor(value / 128);
    }
    this.byte(value);
  }

  copy(src: Uint8Array, from: number, to: number): void {
    this.reserve(to - from);
    this.buffer.set(src.subarray(from, to), this.length);
    this.length += to - from;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}
