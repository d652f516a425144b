import { readFile, readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { undocumentedProperties } from '../test-support/json-schema.js';
import { validateScenarioFiles } from './load.js';
import { scenarioJsonSchema } from './schema.js';

const scenariosDir = fileURLToPath(new URL('../../../../scenarios/', import.meta.url));

describe('scenario JSON Schema', () => {
  it('matches the committed scenarios/schema.json (run `jlt schema --write scenarios/schema.json`)', async () => {
    const committed = await readFile(`${scenariosDir}schema.json`, 'utf8');
    expect(committed).toBe(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  });

  it('describes every property', () => {
    expect(undocumentedProperties(scenarioJsonSchema())).toEqual([]);
  });

  it('accepts every committed scenario, each starting with the schema comment', async () => {
    // study-*.yaml are study files (study/load.test.ts checks them).
    const files = (await readdir(scenariosDir)).filter((f) => f.endsWith('.yaml') && !f.startsWith('study-')).map((f) => `${scenariosDir}${f}`);
    expect(files.length).toBeGreaterThanOrEqual(6);
    const results = await validateScenarioFiles(files);
    expect(results.filter((r) => r.error).map((r) => r.error?.message)).toEqual([]);
    for (const file of files) {
      expect((await readFile(file, 'utf8')).split('\n')[0]).toBe('# yaml-language-server: $schema=./schema.json');
    }
  });
});
