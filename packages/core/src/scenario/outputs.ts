import * as z from 'zod';
import { envVarName, httpUrl, nonEmptyString } from './fields.js';

export interface OutputRegistryEntry {
  describe(): string;
  options: z.ZodType;
}

/**
 * Built-in outputs by name, with their options as written in `outputs: [{ NAME: OPTIONS }]`.
 * The implementations live in packages/reporters; this registry is the schema side they share.
 */
export const OUTPUTS = {
  html: {
    describe: () => 'Self-contained HTML report (timeline, per-bridge placement, thresholds)',
    options: z.strictObject({
      file: nonEmptyString('Report path; default results/<run>/report.html').optional(),
    }),
  },
  influxdb: {
    describe: () => 'Stream samples to InfluxDB (v2 with org/bucket, or v1 with db)',
    options: z.strictObject({
      url: httpUrl('InfluxDB base URL, e.g. http://localhost:8086'),
      org: nonEmptyString('InfluxDB v2 organisation').optional(),
      bucket: nonEmptyString('InfluxDB v2 bucket').optional(),
      db: nonEmptyString('InfluxDB v1 database').optional(),
      tokenEnv: envVarName('Environment variable holding the API token').optional(),
    }),
  },
  json: {
    describe: () => 'Every sample and event as newline-delimited JSON',
    options: z.strictObject({
      file: nonEmptyString('Output path; default results/<run>/samples.ndjson').optional(),
    }),
  },
  junit: {
    describe: () => 'JUnit XML with one test case per threshold, for CI',
    options: z.strictObject({
      file: nonEmptyString('Output path; default results/<run>/junit.xml').optional(),
    }),
  },
  'prometheus-remote-write': {
    describe: () => 'Push samples with the Prometheus remote-write protocol (Prometheus, Mimir)',
    options: z.strictObject({
      url: httpUrl('Remote-write endpoint, e.g. http://localhost:9090/api/v1/write'),
      headersEnv: envVarName(
        'Environment variable holding extra HTTP headers, one `Name: value` per line (e.g. authorization)',
      ).optional(),
    }),
  },
} as const satisfies Record<string, OutputRegistryEntry>;

export type OutputName = keyof typeof OUTPUTS;
export const OUTPUT_NAMES = Object.keys(OUTPUTS).sort() as OutputName[];

export function isOutputName(name: string): name is OutputName {
  return Object.hasOwn(OUTPUTS, name);
}

const outputEntryShape = Object.fromEntries(
  OUTPUT_NAMES.map((name) => [name, OUTPUTS[name].options.describe(OUTPUTS[name].describe()).optional()]),
) as { [K in OutputName]: z.ZodOptional<(typeof OUTPUTS)[K]['options']> };

/** One `{ NAME: OPTIONS }` entry of `outputs`. */
export const outputEntrySchema = z
  .strictObject(outputEntryShape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown output ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; available: ${OUTPUT_NAMES.join(', ')}`
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

export type OutputEntry = z.output<typeof outputEntrySchema>;

/** `[{ junit: { file } }]` → `[{ name: 'junit', options: { file } }]`, in the order written. */
export function listOutputs(entries: readonly OutputEntry[]): { name: OutputName; options: Record<string, unknown> }[] {
  return entries.flatMap((entry) =>
    OUTPUT_NAMES.filter((name) => entry[name] !== undefined).map((name) => ({
      name,
      options: entry[name] as Record<string, unknown>,
    })),
  );
}
