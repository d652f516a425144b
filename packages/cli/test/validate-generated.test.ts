import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aliasBombYaml,
  binaryScenarioArbitrary,
  generatedScenarioYamlArbitrary,
  mutatedScenarioArbitrary,
} from '@jlt/core/test-support';
import { jlt, repoRoot } from './cli-harness.js';

/*
 * The loader's property test (core) through the real CLI: one `jlt validate` over a few hundred
 * seeded hostile files. Every file is either `ok` or reported as `FILE:LINE: …`, nothing is an
 * internal error, and the exit code is 2.
 */

let dir: string;
const files: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jlt-validate-generated-'));
  const scenarios = readdirSync(join(repoRoot, 'scenarios')).filter((name) => name.endsWith('.yaml'));
  expect(scenarios.length).toBeGreaterThanOrEqual(6);
  const texts: [string, string | Uint8Array][] = [];
  for (const name of scenarios) {
    const mutants = fc.sample(mutatedScenarioArbitrary(readFileSync(join(repoRoot, 'scenarios', name), 'utf8')), { seed: 13_101, numRuns: 30 });
    mutants.forEach((text, n) => texts.push([`mutant-${n}-${name}`, text]));
  }
  fc.sample(generatedScenarioYamlArbitrary, { seed: 13_102, numRuns: 80 }).forEach((text, n) => texts.push([`generated-${n}.yaml`, text]));
  fc.sample(binaryScenarioArbitrary, { seed: 13_103, numRuns: 20 }).forEach((bytes, n) => texts.push([`binary-${n}.yaml`, bytes]));
  for (const [name, content] of texts) {
    const file = join(dir, name);
    await writeFile(file, content);
    files.push(file);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('jlt validate on generated scenario files', () => {
  it('answers every file with ok or FILE:LINE and exits 2', async () => {
    const result = await jlt(['validate', ...files]);
    expect(result.stderr).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
    expect(result.code).toBe(2);
    // Longer than a pipe's buffer: the report must arrive whole, not cut where process.exit struck.
    expect(result.stderr.length).toBeGreaterThan(64 * 1024);
    const okFiles = new Set([...result.stdout.matchAll(/^ok (.+?) \(/gm)].map((m) => m[1]));
    const located = new Set([...result.stderr.matchAll(/^(.+?\.yaml):\d+: \S/gm)].map((m) => m[1]));
    const unexplained = files.filter((file) => !okFiles.has(file) && !located.has(file));
    expect(unexplained).toEqual([]);
    expect(located.size).toBeGreaterThan(files.length / 2);
    for (const line of result.stderr.trimEnd().split('\n')) expect(line).toMatch(/^(.+\.yaml:\d+: \S|hint: )/);
  });

  it.each([
    ['an alias without its anchor', 'name: x\ntarget: *nowhere\n', /:2: YAML alias \*nowhere has no anchor &nowhere before it$/m],
    ['a billion laughs', `name: x\n${aliasBombYaml(9, 10)}media: *l9\n`, /:3: YAML aliases expand to more than 100 copies/],
  ])('exits 2 on %s with FILE:LINE', async (_name, text, expected) => {
    const file = join(dir, 'single.yaml');
    await writeFile(file, text);
    const result = await jlt(['validate', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toMatch(/internal error/);
  });
});
