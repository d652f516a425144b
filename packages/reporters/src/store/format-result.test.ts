import { describe, expect, it } from 'vitest';
import { formatResult } from './format-result.js';
import type { QueryResult } from './results-db.js';

const result: QueryResult = {
  columns: ['bridge', 'n', 'tags'],
  types: ['VARCHAR', 'BIGINT', 'JSON'],
  rows: [
    ['jvb-1', 12, { bridge: 'jvb-1' }],
    ['jvb, "two"', 3, null],
    [null, 12345678901234567890n, { a: [1] }],
  ],
};

describe('formatResult', () => {
  it.each([
    [
      'table',
      [
        'bridge                         n  tags',
        '----------  --------------------  ------------------',
        'jvb-1                         12  {"bridge":"jvb-1"}',
        'jvb, "two"                     3  NULL',
        'NULL        12345678901234567890  {"a":[1]}',
        '(3 rows)',
        '',
      ].join('\n'),
    ],
    ['csv', 'bridge,n,tags\njvb-1,12,"{""bridge"":""jvb-1""}"\n"jvb, ""two""",3,\n,12345678901234567890,"{""a"":[1]}"\n'],
  ] as const)('renders %s', (format, expected) => {
    expect(formatResult(result, format)).toBe(expected);
  });

  it('renders JSON objects, big integers as strings and non-finite numbers as text', () => {
    const parsed = JSON.parse(formatResult({ columns: ['x', 'y'], types: [], rows: [[1, 12345678901234567890n], [Number.NaN, null]] }, 'json')) as unknown;
    expect(parsed).toEqual([
      { x: 1, y: '12345678901234567890' },
      { x: 'NaN', y: null },
    ]);
  });

  it('renders an empty result with headers and a row count', () => {
    expect(formatResult({ columns: ['a'], types: ['INTEGER'], rows: [] }, 'table')).toBe('a\n-\n(0 rows)\n');
  });
});
