import { uncompress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@jlt/core/test-support';
import { snappyCompress } from './snappy.js';

const random = mulberry32(7);
const bytes = (n: number, f: (i: number) => number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => f(i));

describe('snappyCompress', () => {
  it.each([
    ['empty', new Uint8Array(0)],
    ['one byte', Uint8Array.of(42)],
    ['short literal', new TextEncoder().encode('jlt_webrtc_rtt_seconds')],
    ['random 100 kB (incompressible, 2 blocks)', bytes(100_000, () => Math.floor(random() * 256))],
    ['a run of one byte over 3 blocks', bytes(200_000, () => 7)],
    ['repeated label sets', new TextEncoder().encode('bridge=jvb-1,conference=c-0001,agent=a1;'.repeat(5_000))],
    ['long literal then matches', bytes(70_000, (i) => (i < 5_000 ? Math.floor(random() * 256) : i % 251))],
  ])('%s decodes back with an independent implementation', (_name, input) => {
    const compressed = snappyCompress(input);
    const decoded = Buffer.from(uncompress(compressed));
    expect(decoded.length).toBe(input.length);
    expect(Buffer.compare(decoded, Buffer.from(input))).toBe(0);
    expect(compressed.length).toBeLessThanOrEqual(32 + input.length + Math.ceil(input.length / 6));
  });

  it('compresses repetitive protobuf-like input severalfold', () => {
    const input = new TextEncoder().encode('\n\u0008__name__\u0012\u0016jlt_webrtc_rtt_seconds'.repeat(2_000));
    expect(snappyCompress(input).length).toBeLessThan(input.length / 10);
  });
});
