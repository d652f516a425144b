import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COLIBRI_STATS_2_3_63_KEYS, compareKeyTypes, jsonTypeOf } from './colibri-stats-keys.js';

const sample = JSON.parse(
  readFileSync(new URL('../test/fixtures/colibri-stats.jvb-2.3.63.relay-enabled.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

describe('COLIBRI_STATS_2_3_63_KEYS', () => {
  it('lists exactly the keys of the real 2.3.63 sample, each with its JSON type', () => {
    const derived = Object.fromEntries(Object.entries(sample).map(([key, value]) => [key, jsonTypeOf(value)]));
    expect(COLIBRI_STATS_2_3_63_KEYS).toEqual(derived);
    expect(Object.keys(COLIBRI_STATS_2_3_63_KEYS)).toHaveLength(78);
  });

  it('the sample itself has no mismatch', () => {
    expect(compareKeyTypes(sample, COLIBRI_STATS_2_3_63_KEYS)).toEqual([]);
  });
});

describe('compareKeyTypes', () => {
  it.each([
    { name: 'missing key', payload: { a: 1 }, expected: [{ key: 'b', expected: 'string', actual: 'missing' }] },
    { name: 'wrong type', payload: { a: '1', b: 'x' }, expected: [{ key: 'a', expected: 'number', actual: 'string' }] },
    { name: 'null is not a string', payload: { a: 1, b: null }, expected: [{ key: 'b', expected: 'string', actual: 'null' }] },
    { name: 'extra keys are fine', payload: { a: 1, b: 'x', c: true }, expected: [] },
  ])('$name', ({ payload, expected }) => {
    expect(compareKeyTypes(payload, { a: 'number', b: 'string' })).toEqual(expected);
  });

  it.each([
    [1.5, 'number'],
    ['s', 'string'],
    [false, 'boolean'],
    [null, 'null'],
    [[1], 'array'],
    [{}, 'object'],
  ])('jsonTypeOf(%j) = %s', (value, type) => {
    expect(jsonTypeOf(value)).toBe(type);
  });
});
