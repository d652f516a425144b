import * as z from 'zod';
import { nonEmptyString } from './fields.js';

export interface BuiltinOutputSchema {
  describe(): string;
  options: z.ZodType;
  /** The option that `--out NAME=ARG` sets (k6 style), e.g. `file` for `--out junit=ci/junit.xml`. */
  argument?: string;
}

/**
 * Built-in outputs by name (more — html, influxdb, prometheus-remote-write — come with their own work), with their options as written in `outputs: [{ NAME: OPTIONS }]`.
 * The implementations live in packages/reporters and are registered in OutputRegistry
 * (outputs/registry.ts); they should use these schemas as their `optionsSchema`, so what the scenario
 * file accepts and what the output receives are one definition.
 */
export const BUILTIN_OUTPUTS = {
  json: {
    describe: () => 'Every sample and event as newline-delimited JSON',
    argument: 'file',
    options: z.strictObject({
      file: nonEmptyString('Output path; default results/<run>/samples.ndjson').optional(),
    }),
  },
  junit: {
    describe: () => 'JUnit XML with one test case per threshold, for CI',
    argument: 'file',
    options: z.strictObject({
      file: nonEmptyString('Output path; default results/<run>/junit.xml').optional(),
    }),
  },
} as const satisfies Record<string, BuiltinOutputSchema>;

export type BuiltinOutputName = keyof typeof BUILTIN_OUTPUTS;
export const BUILTIN_OUTPUT_NAMES = Object.keys(BUILTIN_OUTPUTS).sort() as BuiltinOutputName[];

export function isBuiltinOutputName(name: string): name is BuiltinOutputName {
  return Object.hasOwn(BUILTIN_OUTPUTS, name);
}

const outputEntryShape = Object.fromEntries(
  BUILTIN_OUTPUT_NAMES.map((name) => [name, BUILTIN_OUTPUTS[name].options.describe(BUILTIN_OUTPUTS[name].describe()).optional()]),
) as { [K in BuiltinOutputName]: z.ZodOptional<(typeof BUILTIN_OUTPUTS)[K]['options']> };

/** One `{ NAME: OPTIONS }` entry of `outputs`. */
export const scenarioOutputEntrySchema = z
  .strictObject(outputEntryShape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown output ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; available: ${BUILTIN_OUTPUT_NAMES.join(', ')}`
        : undefined,
  })
  .superRefine(
    (entry, ctx) => {
    const count = Object.values(entry).filter((v) => v !== undefined).length;
    if (count !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `each output entry names exactly one output, e.g. { junit: {} } (got ${count})`,
      });
    }
  }, {
    // Only a well-formed entry is counted: an unknown name is already reported as such.
    when: (payload) => payload.issues.length === 0,
  })
  .meta({ minProperties: 1, maxProperties: 1 })
  .describe('One output as { NAME: OPTIONS }');

export type ScenarioOutputEntry = z.output<typeof scenarioOutputEntrySchema>;

/** `[{ junit: { file } }]` → `[{ name: 'junit', options: { file } }]`, in the order written. */
export function scenarioOutputs(entries: readonly ScenarioOutputEntry[]): { name: BuiltinOutputName; options: Record<string, unknown> }[] {
  return entries.flatMap((entry) =>
    BUILTIN_OUTPUT_NAMES.filter((name) => entry[name] !== undefined).map((name) => ({
      name,
      options: entry[name] as Record<string, unknown>,
    })),
  );
}
