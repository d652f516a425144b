import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJicofoStats } from './jicofo.js';

const sample = JSON.parse(
  readFileSync(new URL('../test/fixtures/jicofo-style-stats.exporter-test-input.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

describe('JicofoStatsSchema', () => {
  it('accepts the exporter sample and reads its bridge selector', () => {
    const stats = parseJicofoStats(sample);
    expect(stats.conferences).toBe(2);
    expect(stats.bridge_selector?.operational_bridge_count).toBe(1);
    expect(stats.conference_sizes).toHaveLength(22);
  });

  it.each([
    ['conferences', '2', 'key "conferences"'],
    ['conference_sizes', [0, null], 'key "conference_sizes[1]"'],
    ['bridge_selector', { bridge_count: 'one' }, 'key "bridge_selector.bridge_count"'],
    ['bridge_selector', 3, 'key "bridge_selector"'],
  ])('rejects a wrong %s naming the key', (key, value, expected) => {
    expect(() => parseJicofoStats({ ...sample, [key]: value })).toThrow(expected);
  });
});
