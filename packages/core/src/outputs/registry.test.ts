import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createStreamLogger, type RunContext } from '../context.js';
import { JltError } from '../errors.js';
import { quietOutput } from '../test-support/quiet-output.js';
import type { Output, OutputContext } from './output.js';
import { OutputRegistry, defineOutput, loadOutputModule, outputEntryFromModule } from './registry.js';

const context: OutputContext = {
  context: {
    stdout: { write: () => true },
    stderr: { write: () => true },
    env: {},
    cwd: '/',
    logger: createStreamLogger({ write: () => true }),
    signal: new AbortController().signal,
    now: () => 0,
  } satisfies RunContext,
  resultsDir: '/tmp/results',
  results: { rows: () => Promise.resolve([]) },
};

function nullOutput(name: string, log: unknown[]): Output {
  return quietOutput(name, { stop: async () => void log.push(`${name} stopped`) });
}

const junitLike = (created: unknown[]) =>
  defineOutput({
    name: 'junit',
    optionsSchema: z.object({ file: z.string().default('junit.xml'), suite: z.string().min(1).optional() }).strict(),
    describe: () => 'JUnit XML, one test case per threshold',
    create: (options, ctx) => {
      created.push({ options, resultsDir: ctx.resultsDir });
      return nullOutput('junit', created);
    },
  });

describe('OutputRegistry', () => {
  it('creates an output with its defaulted options', async () => {
    const created: unknown[] = [];
    const registry = new OutputRegistry().register(junitLike(created));
    const output = await registry.create('junit', {}, context);
    expect(output.name).toBe('junit');
    expect(created).toEqual([{ options: { file: 'junit.xml' }, resultsDir: '/tmp/results' }]);
  });

  it('names the available outputs for an unknown name', () => {
    const registry = new OutputRegistry()
      .register(junitLike([]))
      .register({ ...junitLike([]), name: 'html' })
      .register({ ...junitLike([]), name: 'influxdb' });
    expect(registry.names()).toEqual(['html', 'influxdb', 'junit']);
    expect(() => registry.get('foo')).toThrow(JltError);
    expect(() => registry.get('foo')).toThrow('unknown output "foo"; available: html, influxdb, junit');
    expect(new OutputRegistry().has('junit')).toBe(false);
  });

  it('refuses a second entry with the same name', () => {
    const registry = new OutputRegistry().register(junitLike([]));
    expect(() => registry.register(junitLike([]))).toThrow('output "junit" is registered twice');
  });

  it.each([
    { raw: { file: 3 }, issues: [{ path: 'file', message: expect.stringMatching(/expected string/) as unknown }] },
    { raw: { suite: '', extra: true }, issues: [{ path: 'suite' }, { path: '' }] },
    { raw: 'junit.xml', issues: [{ path: '', message: expect.stringMatching(/expected object/) as unknown }] },
  ])('reports every options problem for $raw', async ({ raw, issues }) => {
    const registry = new OutputRegistry().register(junitLike([]));
    const parsed = registry.parseOptions('junit', raw);
    expect(parsed).toMatchObject({ ok: false, issues });
    await expect(registry.create('junit', raw, context)).rejects.toThrow(/^invalid options for output "junit": /);
  });
});

describe('custom output modules', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'jlt-outputs-'));
    await writeFile(
      join(dir, 'good.mjs'),
      `export default { name: 'my-output', describe: () => 'mine', create: (options) => ({ name: 'my-output', options }) };\n`,
    );
    await writeFile(join(dir, 'no-default.mjs'), 'export const create = () => ({});\n');
    await writeFile(join(dir, 'throws.mjs'), "throw new Error('boom at import');\n");
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('registers a default export, resolving relative paths against cwd', async () => {
    const entry = await loadOutputModule('./good.mjs', { cwd: dir });
    expect([entry.name, entry.describe()]).toEqual(['my-output', 'mine']);
    const registry = new OutputRegistry().register(entry);
    const output = (await registry.create('my-output', { any: 'thing' }, context)) as Output & { options: unknown };
    expect(output.options).toEqual({ any: 'thing' });
  });

  it.each([
    { specifier: './missing.mjs', code: 'FILE_NOT_FOUND', message: /cannot load output module "\.\/missing\.mjs"/ },
    { specifier: './no-default.mjs', code: 'INVALID_SCENARIO', message: /has no default export with a create\(options, context\) function/ },
    { specifier: './throws.mjs', code: 'INVALID_SCENARIO', message: /cannot load output module "\.\/throws\.mjs": boom at import/ },
  ])('rejects $specifier with $code', async ({ specifier, code, message }) => {
    const loading = loadOutputModule(specifier, { cwd: dir });
    await expect(loading).rejects.toMatchObject({ code });
    await expect(loading).rejects.toThrow(message);
  });

  it('fills in a name, a permissive schema and a description, and no argument', () => {
    const entry = outputEntryFromModule('./x.js', { default: { create: () => nullOutput('x', []) } });
    expect(entry.name).toBe('./x.js');
    expect(entry.describe()).toBe('custom output ./x.js');
    expect(entry.optionsSchema.safeParse(42).success).toBe(true);
    expect(entry.argument).toBeUndefined();
  });

  it('keeps the argument a module names, for --out MODULE=ARG', () => {
    const entry = outputEntryFromModule('./x.js', { default: { argument: 'url', create: () => nullOutput('x', []) } });
    expect(entry.argument).toBe('url');
  });

  it('rejects an optionsSchema that is not a zod schema', () => {
    expect(() => outputEntryFromModule('./x.js', { default: { create: () => undefined, optionsSchema: {} } })).toThrow(
      /optionsSchema is not a zod schema/,
    );
  });
});
