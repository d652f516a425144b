import * as z from 'zod';
import { prometheusAuthSchema } from './collect.js';
import { quoted } from './issues.js';
import { duration, envVarName, httpUrl, nonEmptyString, nonNegativeInt, positiveInt } from './fields.js';

/** Prometheus label names (and InfluxDB tag keys, kept to the same rule); `__` is reserved. */
const labelName = z
  .string()
  .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'label names must match ^[a-zA-Z_][a-zA-Z0-9_]*$' })
  .refine((name) => !name.startsWith('__'), { error: 'label names starting with __ are reserved' });

const extraLabels = (what: string) =>
  z.record(labelName, nonEmptyString('Label value')).optional().describe(`Extra ${what} added to every series, e.g. { env: staging }`);

/** A URL whose user-info would put a secret into the scenario file, logs and run.json. */
const withoutCredentials = (url: string): boolean => {
  try {
    const parsed = new URL(url);
    return parsed.username === '' && parsed.password === '';
  } catch {
    return true;
  }
};
const credentialsInUrl = { error: 'must not contain credentials; name an environment variable in auth (or tokenEnv) instead' };

export interface BuiltinOutputSchema {
  describe(): string;
  options: z.ZodType;
  /** The option that `--out NAME=ARG` sets (k6 style), e.g. `file` for `--out junit=ci/junit.xml`. */
  argument?: string;
}

/**
 * Built-in outputs by name, with their options as written in `outputs: [{ NAME: OPTIONS }]`.
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
  html: {
    describe: () => 'The HTML run report: one self-contained page with every figure, the placement map, events and bots',
    argument: 'file',
    options: z.strictObject({
      file: nonEmptyString('Output path; default results/<run>/report.html').optional(),
    }),
  },
  junit: {
    describe: () => 'JUnit XML with one test case per threshold, for CI',
    argument: 'file',
    options: z.strictObject({
      file: nonEmptyString('Output path; default results/<run>/junit.xml').optional(),
    }),
  },
  prometheus: {
    describe: () => 'Streams samples to Prometheus remote write 1.0 (Prometheus, Mimir, …) while the run goes',
    argument: 'url',
    options: z.strictObject({
      url: httpUrl('Remote-write endpoint, e.g. http://prometheus:9090/api/v1/write').refine(withoutCredentials, credentialsInUrl),
      auth: prometheusAuthSchema.optional(),
      tenant: nonEmptyString('Mimir/Cortex tenant, sent as X-Scope-OrgID').optional(),
      labels: extraLabels('labels'),
      flushInterval: duration('How often buffered samples are written (the age bound of a batch)').default(5_000),
      maxSamplesPerRequest: positiveInt('Most remote-write samples in one request (the size bound of a batch)').default(2_000),
      timeout: duration('How long one request may take before it is retried').default(10_000),
    }),
  },
  influxdb: {
    describe: () => 'Streams samples to the InfluxDB v2 write API while the run goes',
    argument: 'url',
    options: z.strictObject({
      url: httpUrl('InfluxDB base URL, e.g. http://influxdb:8086').refine(withoutCredentials, credentialsInUrl),
      org: nonEmptyString('Organization (name or id)'),
      bucket: nonEmptyString('Bucket'),
      tokenEnv: envVarName('Environment variable holding the API token').optional(),
      precision: z.enum(['ns', 'us', 'ms', 's']).default('us').describe('Timestamp precision; finer than ms keeps samples that share a millisecond apart'),
      gzip: z.boolean().default(true).describe('Gzip request bodies over 1 kB'),
      tags: extraLabels('tags'),
      flushInterval: duration('How often buffered samples are written').default(1_000),
      batchSize: positiveInt('Most lines in one request').default(5_000),
      maxRetries: nonNegativeInt('Retries of a failed write (network errors, 429, 5xx; never other 4xx)').default(3),
      timeout: duration('How long one request may take').default(10_000),
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
        ? `unknown output ${issue.keys.map(quoted).join(', ')}; available: ${BUILTIN_OUTPUT_NAMES.join(', ')}`
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

/** The validated (defaulted) options a built-in output receives. */
export type BuiltinOutputOptions<N extends BuiltinOutputName> = z.output<(typeof BUILTIN_OUTPUTS)[N]['options']>;
