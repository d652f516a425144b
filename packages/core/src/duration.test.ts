import { describe, it, expect } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['2s', 2_000],
    ['1.5s', 1_500],
    ['300s', 300_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1m30s250ms', 90_250],
    [' 10s ', 10_000],
    ['1500', 1_500],
    [0, 0],
    [2500, 2_500],
    [12.4, 12],
  ] as const)('%j → %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([['5x'], ['s'], [''], ['1 s'], ['-1s'], ['1d'], ['5m ago'], [-1], [Number.NaN], [Number.POSITIVE_INFINITY]])(
    'rejects %j',
    (input) => {
      expect(() => parseDuration(input)).toThrow(/must be/);
    },
  );
});

describe('parseDuration past what a double holds', () => {
  it.each([
    ['400 digits of ms', '9'.repeat(400)],
    ['400 digits of hours', `${'9'.repeat(400)}h`],
    ['1e300 ms', 1e300],
    ['2^53 ms', 2 ** 53],
  ])('rejects %s', (_name, input) => {
    expect(() => parseDuration(input)).toThrow(/must be at most 9007199254740991 ms/);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [2_000, '2s'],
    [1_500, '1.5s'],
    [300_000, '5m'],
    [5_400_000, '1h30m'],
    [3_600_000 + 2_000, '1h2s'],
    [60_250, '1m0.25s'],
  ])('%d ms → %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
    expect(parseDuration(expected)).toBe(ms);
  });
});
