import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseColibriStats } from './colibri-stats.js';
import { parseJvbDebug } from './debug.js';
import { parseJicofoStats } from './jicofo.js';
import { parsePrometheusText } from './prometheus-text.js';

/*
 * Every saved Jitsi payload is parsed by the schema its file name claims. A file no rule claims fails
 * the test, so a new sample cannot go untested: add a rule (and a schema) for it; a rule no sample
 * exercises fails too, so no rule passes by testing nothing.
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
/** The originals, beside the clone when there is one (not in CI): the fixtures must be exact copies. */
const sharedDir = new URL('../../../../shared/jitsi-samples/', import.meta.url);

function listFiles(dir: URL): string[] {
  return readdirSync(dir).filter((name) => !name.startsWith('.')).sort();
}

const fixtures = listFiles(fixturesDir);
const shared = existsSync(sharedDir) ? listFiles(sharedDir) : undefined;

describe('saved Jitsi samples', () => {
  it('the repository carries samples, and every rule claims at least one', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
    for (const rule of RULES) expect(fixtures.filter((name) => rule.pattern.test(name)), `a fixture for ${String(rule.pattern)}`).not.toEqual([]);
  });

  it.each(fixtures)('test/fixtures/%s parses with the schema its name claims', (name) => {
    const rule = RULES.find((candidate) => candidate.pattern.test(name));
    if (!rule) throw new Error(`no schema claims sample "${name}"; add a rule to samples.test.ts`);
    rule.parse(readFileSync(new URL(name, fixturesDir), 'utf8'), name);
  });
});

describe.skipIf(shared === undefined)('shared/jitsi-samples beside the clone', () => {
  it('holds samples', () => {
    expect(shared?.length).toBeGreaterThan(0);
  });

  it.each(shared ?? [])('%s is copied unchanged into test/fixtures', (name) => {
    const copy = new URL(name, fixturesDir);
    expect(existsSync(copy), `copy ${name} into packages/jitsi/test/fixtures/`).toBe(true);
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(new URL(name, sharedDir), 'utf8'));
  });
});
