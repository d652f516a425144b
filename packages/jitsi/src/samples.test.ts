import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJvbVersion } from './about.js';
import { parseColibriStats } from './colibri-stats.js';
import { parseJvbDebug } from './debug.js';
import { parseJicofoStats } from './jicofo.js';
import { parsePrometheusText } from './prometheus-text.js';

/*
 * Every saved Jitsi payload is parsed by the schema its file name claims. A file no rule claims fails
 * the test, so a new sample cannot go untested: add a rule (and a schema) for it.
 */

interface SampleRule {
  pattern: RegExp;
  parse: (text: string, file: string) => void;
}

const json = (parse: (value: unknown, source: string) => unknown) => (text: string, file: string) => {
  parse(JSON.parse(text) as unknown, file);
};

const RULES: SampleRule[] = [
  { pattern: /^colibri-stats\..+\.json$/, parse: json(parseColibriStats) },
  { pattern: /^jvb-debug\..+\.json$/, parse: json(parseJvbDebug) },
  { pattern: /^jvb-about-version\..+\.json$/, parse: json(parseJvbVersion) },
  { pattern: /^jicofo(-style)?-stats\..+\.json$/, parse: json(parseJicofoStats) },
  {
    pattern: /^(exporter-metrics|jvb-metrics)\..+\.prom\.txt$/,
    parse: (text, file) => {
      const samples = parsePrometheusText(text, { source: file }).flatMap((family) => family.samples);
      expect(samples.length).toBeGreaterThan(0);
    },
  },
];

const fixturesDir = new URL('../test/fixtures/', import.meta.url);
const sharedDir = new URL('../../../../shared/jitsi-samples/', import.meta.url);

function listFiles(dir: URL): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => !name.startsWith('.')).sort() : [];
}

const files = [
  ...listFiles(fixturesDir).map((name) => ({ dir: fixturesDir, name, where: 'packages/jitsi/test/fixtures' })),
  ...listFiles(sharedDir).map((name) => ({ dir: sharedDir, name, where: '../shared/jitsi-samples' })),
];

describe('saved Jitsi samples', () => {
  it('the repository carries the samples', () => {
    expect(listFiles(fixturesDir).length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('$where/$name parses with the schema its name claims', ({ dir, name }) => {
    const rule = RULES.find((candidate) => candidate.pattern.test(name));
    if (!rule) throw new Error(`no schema claims sample "${name}"; add a rule to samples.test.ts`);
    rule.parse(readFileSync(new URL(name, dir), 'utf8'), name);
  });

  it.each(listFiles(sharedDir))('shared sample %s is copied unchanged into test/fixtures', (name) => {
    const copy = new URL(name, fixturesDir);
    expect(existsSync(copy), `copy ${name} into packages/jitsi/test/fixtures/`).toBe(true);
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(new URL(name, sharedDir), 'utf8'));
  });
});
