import { describe, expect, it } from 'vitest';
import { RUN_DASHES, runDash } from './palette.js';

describe('runDash', () => {
  it('draws run A solid, run B dashed, and every further run in a pattern of its own', () => {
    expect(runDash(0)).toEqual([]);
    expect(runDash(1)).toEqual([6, 4]);
    const patterns = RUN_DASHES.map((_, i) => runDash(i).join(','));
    expect(new Set(patterns).size).toBe(RUN_DASHES.length);
    expect(patterns.slice(1).every((p) => p !== '')).toBe(true);
  });

  it('repeats the patterns after the last one', () => {
    expect(runDash(RUN_DASHES.length)).toEqual(runDash(0));
    expect(runDash(RUN_DASHES.length + 1)).toEqual(runDash(1));
  });
});
