import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { JltError } from '../errors.js';
import type { Output, OutputContext } from './output.js';

/**
 * One kind of output, registered by name (`junit`, `html`, `influxdb`, …). A custom output is a
 * module whose default export has this shape (`name`, `optionsSchema` and `describe` optional).
 */
export interface OutputEntry<Options = unknown> {
  name: string;
  /** Validates and defaults the options written in the scenario or on `--out`. */
  optionsSchema: z.ZodType<Options>;
  /** One line for `jlt outputs` and error messages. */
  describe(): string;
  /** The option `--out NAME=ARG` sets (k6 style), e.g. `file`; without one, `--out NAME=…` is refused. */
  argument?: string;
  create(options: Options, context: OutputContext): Output | Promise<Output>;
}

/** Identity function that lets TypeScript infer `Options` from the schema. */
export function defineOutput<Options>(entry: OutputEntry<Options>): OutputEntry<Options> {
  return entry;
}

export interface OptionsIssue {
  /** Dotted path inside the output's options; empty for the options as a whole. */
  path: string;
  message: string;
}

export type ParsedOptions = { ok: true; options: unknown } | { ok: false; issues: OptionsIssue[] };

/** Outputs by name. Filled by the composition root (the cli) with the built-in ones and custom modules. */
export class OutputRegistry {
  private readonly _entries = new Map<string, OutputEntry<unknown>>();

  register<Options>(entry: OutputEntry<Options>): this {
    if (this._entries.has(entry.name))
      throw new JltError('INTERNAL', `output "${entry.name}" is registered twice`, {
        hint: 'Give the custom output another name.',
      });
    this._entries.set(entry.name, entry);
    return this;
  }

  has(name: string): boolean {
    return this._entries.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this._entries.keys()].sort();
  }

  /** The entry for `name`; an unknown name is a JltError listing the available ones. */
  get(name: string): OutputEntry<unknown> {
    const entry = this._entries.get(name);
    if (!entry)
      throw new JltError('UNKNOWN_REGISTRY_NAME', `unknown output "${name}"; available: ${this.names().join(', ') || '(none)'}`, {
        hint: 'Use one of the available outputs, or a path to a module whose default export is an output.',
      });
    return entry;
  }

  /** Validates options against the output's schema, returning every problem at once. */
  parseOptions(name: string, raw: unknown): ParsedOptions {
    const result = this.get(name).optionsSchema.safeParse(raw);
    if (result.success) return { ok: true, options: result.data };
    return {
      ok: false,
      issues: result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    };
  }

  /** Validates `raw` and creates the output; invalid options are one JltError listing every problem. */
  async create(name: string, raw: unknown, context: OutputContext): Promise<Output> {
    const parsed = this.parseOptions(name, raw);
    if (!parsed.ok) {
      const problems = parsed.issues.map((i) => `${i.path === '' ? '' : `${i.path}: `}${i.message}`).join('; ');
      throw new JltError('INVALID_SCENARIO', `invalid options for output "${name}": ${problems}`, {
        hint: this.get(name).describe(),
      });
    }
    return this.get(name).create(parsed.options, context);
  }
}

/**
 * Turns a module's namespace into an output entry: its default export needs a `create` function;
 * `name` defaults to the specifier, `optionsSchema` to "anything", `describe` to the name, and an
 * `argument` string names the option `--out MODULE=ARG` sets.
 */
export function outputEntryFromModule(specifier: string, moduleNamespace: unknown): OutputEntry<unknown> {
  const exported: unknown = (moduleNamespace as { default?: unknown } | null)?.default;
  if (typeof exported !== 'object' || exported === null || typeof (exported as { create?: unknown }).create !== 'function')
    throw new JltError(
      'INVALID_SCENARIO',
      `output module "${specifier}" has no default export with a create(options, context) function`,
      { hint: 'Export default { name, optionsSchema, describe, create } from the module.' },
    );
  const candidate = exported as Partial<OutputEntry<unknown>> & Pick<OutputEntry<unknown>, 'create'>;
  const name = typeof candidate.name === 'string' && candidate.name !== '' ? candidate.name : specifier;
  const schema = candidate.optionsSchema;
  if (schema !== undefined && typeof (schema as { safeParse?: unknown }).safeParse !== 'function')
    throw new JltError('INVALID_SCENARIO', `output module "${specifier}": optionsSchema is not a zod schema`, {
      hint: 'Build optionsSchema with zod, or leave it out.',
    });
  return {
    name,
    optionsSchema: schema ?? z.unknown(),
    describe: typeof candidate.describe === 'function' ? candidate.describe.bind(candidate) : () => `custom output ${name}`,
    ...(typeof candidate.argument === 'string' && candidate.argument !== '' ? { argument: candidate.argument } : {}),
    create: candidate.create.bind(candidate),
  };
}

/** Imports a custom output module; relative paths resolve against `cwd`. */
export async function loadOutputModule(specifier: string, options: { cwd: string }): Promise<OutputEntry<unknown>> {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  const target = isPath ? pathToFileURL(resolve(options.cwd, specifier)).href : specifier;
  let namespace: unknown;
  try {
    namespace = await import(target);
  } catch (error) {
    const notFound = (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND';
    throw new JltError(
      notFound ? 'FILE_NOT_FOUND' : 'INVALID_SCENARIO',
      `cannot load output module "${specifier}": ${error instanceof Error ? error.message : String(error)}`,
      { hint: notFound ? `Check the path; relative paths are resolved from ${options.cwd}.` : 'Fix the module so it imports cleanly.', cause: error },
    );
  }
  return outputEntryFromModule(specifier, namespace);
}
