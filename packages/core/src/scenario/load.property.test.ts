import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import {
  binaryScenarioArbitrary,
  checkProperty,
  generatedScenarioYamlArbitrary,
  mutatedScenarioArbitrary,
} from '../test-support/index.js';
import { loadScenarioText } from './load.js';

/*
 * Whatever the text, the loader answers with a scenario or a ConfigError whose every line reads
 * `FILE:LINE: message` with LINE inside the file — never another exception (the CLI would print
 * `internal error` and a stack), and never after more than a few seconds.
 */

const scenariosDir = new URL('../../../../scenarios/', import.meta.url);
// study-*.yaml are study files, not scenarios (study/load.test.ts checks them).
const shipped = readdirSync(scenariosDir)
  .filter((name) => name.endsWith('.yaml') && !name.startsWith('study-'))
  .sort()
  .map((name) => ({ name, text: readFileSync(new URL(name, scenariosDir), 'utf8') }));

/** Generous for a loaded 2-core machine (the slowest generated case takes 0.2 s idle); a blow-up takes far longer. */
const MAX_MS_PER_DOCUMENT = 10_000;

function expectValidOrLocated(text: string, file: string): void {
  const started = performance.now();
  let error: unknown;
  try {
    loadScenarioText(text, file);
  } catch (caught) {
    error = caught;
  }
  const elapsed = performance.now() - started;
  if (elapsed > MAX_MS_PER_DOCUMENT) throw new Error(`loading took ${Math.round(elapsed)} ms`);
  if (error === undefined) return;
  if (!(error instanceof ConfigError)) {
    throw new Error(`not a located problem: ${error instanceof Error ? (error.stack ?? error.message) : JSON.stringify(error)}`);
  }
  const lineCount = text.split(/\r\n|\r|\n/).length;
  expect(error.issues.length).toBeGreaterThan(0);
  for (const issue of error.issues) {
    expect(issue.file).toBe(file);
    expect(Number.isInteger(issue.line) && issue.line >= 1 && issue.line <= lineCount + 1, `line ${issue.line} of ${lineCount}`).toBe(true);
    expect(issue.message.trim()).not.toBe('');
  }
  for (const line of error.message.split('\n')) expect(line).toMatch(new RegExp(`^${file.replace(/\./g, '\\.')}:\\d+: \\S`));
  // Echoed input is escaped: a control character from the file would reach the user's terminal.
  const controls = [...error.message].filter((c) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && c !== '\n' && c !== '\t') || (code >= 0x7f && code <= 0x9f);
  });
  expect(controls.map((c) => c.charCodeAt(0).toString(16))).toEqual([]);
}

describe('scenario loader properties', () => {
  it('finds the shipped scenarios to mutate', () => {
    expect(shipped.map((s) => s.name)).toEqual(expect.arrayContaining(['testbed-smoke.yaml', '10x3.yaml']));
    for (const { name, text } of shipped) expect(() => loadScenarioText(text, name)).not.toThrow();
  });

  it.each(shipped)('mutants of scenarios/$name load or fail at FILE:LINE', ({ name, text }) => {
    checkProperty(
      fc.property(mutatedScenarioArbitrary(text), (mutant) => expectValidOrLocated(mutant, name)),
      { seed: 13_001, numRuns: 50, timeLimitMs: 10_000 },
    );
  });

  it('generated documents (aliases, deep nesting, huge numbers, unicode) load or fail at FILE:LINE', () => {
    checkProperty(
      fc.property(generatedScenarioYamlArbitrary, (doc) => expectValidOrLocated(doc, 'generated.yaml')),
      { seed: 13_002, numRuns: 100, timeLimitMs: 20_000 },
    );
  });

  it('binary files load or fail at FILE:LINE', () => {
    checkProperty(
      fc.property(binaryScenarioArbitrary, (bytes) => expectValidOrLocated(Buffer.from(bytes).toString('utf8'), 'binary.yaml')),
      { seed: 13_003, numRuns: 60, timeLimitMs: 10_000 },
    );
  });
});
