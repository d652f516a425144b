import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_OUTPUTS, OutputRegistry, loadScenarioText, type Scenario } from '@jlt/core';
import { DEFAULT_OUTPUTS, REPORT_OUTPUT, builtinOutputRegistry, junitOutput } from '@jlt/reporters';
import { parseOutputFlag } from './output-flags.js';
import { selectOutputs } from './output-selection.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jlt-select-'));
  await writeFile(join(dir, 'sink.mjs'), "export default { name: 'sink', argument: 'url', create: () => ({}) };\n");
  await writeFile(join(dir, 'plain.mjs'), "export default { name: 'plain', create: () => ({}) };\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function scenario(outputs = ''): Scenario {
  return loadScenarioText(`name: s\ntarget: { kind: testbed }\nconferences: 1\nparticipantsPerConference: 1\nduration: 1s\n${outputs}`, 's.yaml').scenario;
}

const select = (flags: string[], outputs = '', withoutDefault?: string, registry = builtinOutputRegistry()) =>
  selectOutputs(registry, {
    requests: flags.map(parseOutputFlag),
    scenario: scenario(outputs),
    defaults: [...DEFAULT_OUTPUTS],
    ...(withoutDefault ? { withoutDefault } : {}),
    cwd: dir,
  });

describe('selectOutputs', () => {
  it('writes the default outputs the registry holds when nothing is named', async () => {
    expect((await select([])).map((o) => o.name)).toEqual(DEFAULT_OUTPUTS.filter((name) => builtinOutputRegistry().has(name)));
    expect(await select([])).toContainEqual({ name: 'junit', options: {}, from: 'default' });
  });

  it('maps NAME=ARG to the option the output names, and replaces the default and the scenario entry of that name', async () => {
    expect(await select(['junit=ci/junit.xml', 'json'], 'outputs: [{ junit: { file: a.xml } }, { json: { file: b.ndjson } }]')).toEqual([
      { name: 'html', options: {}, from: 'default' },
      { name: 'junit', options: { file: 'ci/junit.xml' }, from: '--out' },
      { name: 'json', options: {}, from: '--out' },
    ]);
    expect(await select([], 'outputs: [{ junit: { file: a.xml } }]')).toEqual([
      { name: 'html', options: {}, from: 'default' },
      { name: 'junit', options: { file: 'a.xml' }, from: 'scenario' },
    ]);
  });

  it('takes ARG for every built-in output that core gives an argument (--out prometheus=URL twice is two outputs)', async () => {
    const registry = builtinOutputRegistry();
    for (const [name, builtin] of Object.entries(BUILTIN_OUTPUTS)) expect(registry.get(name).argument, name).toBe(builtin.argument);
    expect(await select(['prometheus=http://a:9090/api/v1/write', 'prometheus=http://b:9090/api/v1/write'], 'outputs: [{ prometheus: { url: http://c:9090/api/v1/write } }]')).toEqual([
      { name: 'html', options: {}, from: 'default' },
      { name: 'junit', options: {}, from: 'default' },
      { name: 'prometheus', options: { url: 'http://a:9090/api/v1/write' }, from: '--out' },
      { name: 'prometheus', options: { url: 'http://b:9090/api/v1/write' }, from: '--out' },
    ]);
  });

  it('drops the default named by --no-report, and only it', async () => {
    expect((await select([])).map((o) => o.name)).toEqual([REPORT_OUTPUT, 'junit']);
    expect((await select([], '', REPORT_OUTPUT)).map((o) => o.name)).toEqual(['junit']);
    expect((await select([], '', 'junit')).map((o) => o.name)).toEqual([REPORT_OUTPUT]);
  });

  it('leaves out a default the registry does not hold (the report where it is not registered)', async () => {
    expect(DEFAULT_OUTPUTS).toContain(REPORT_OUTPUT);
    expect(await select([], '', undefined, new OutputRegistry().register(junitOutput))).toEqual([{ name: 'junit', options: {}, from: 'default' }]);
  });

  it('refuses an unknown name, listing the known ones, and an argument an output does not take', async () => {
    await expect(select(['influx'])).rejects.toMatchObject({ exitCode: 2, message: 'unknown output "influx"; available: html, influxdb, json, junit, prometheus' });
    await expect(select(['./plain.mjs=x'])).rejects.toMatchObject({ exitCode: 2, message: 'output "plain" takes no argument (got --out ./plain.mjs=x)' });
  });

  it('registers a module by its name, so later flags may use the name, and gives its argument', async () => {
    await expect(select(['./sink.mjs', 'sink=x', 'json=a', './sink.mjs=http://h'])).resolves.toEqual([
      { name: 'html', options: {}, from: 'default' },
      { name: 'junit', options: {}, from: 'default' },
      { name: 'sink', options: {}, from: '--out' },
      { name: 'sink', options: { url: 'x' }, from: '--out' },
      { name: 'json', options: { file: 'a' }, from: '--out' },
      { name: 'sink', options: { url: 'http://h' }, from: '--out' },
    ]);
  });

  it('loads an output module by path, relative to the working directory', async () => {
    await expect(select(['./missing.mjs'])).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('cannot load output module "./missing.mjs"') as unknown });
  });
});
