import * as z from 'zod';
import { duration, envVarName, httpUrl, nonEmptyString } from './fields.js';

/** HTTP credentials for Prometheus-compatible endpoints (query API, remote write). */
export const prometheusAuthSchema = z
  .union([
    z.strictObject({
      basic: z
        .strictObject({
          username: nonEmptyString('Basic-auth user name'),
          passwordEnv: envVarName('Environment variable holding the password'),
        })
        .describe('HTTP basic auth'),
    }),
    z.strictObject({
      bearerTokenEnv: envVarName('Environment variable holding the bearer token'),
    }),
  ])
  .describe('Credentials, referenced by environment-variable name (never inline)');

export const collectSchema = z
  .strictObject({
    jvb: z
      .strictObject({
        interval: duration('How often to poll each bridge').default(5_000),
      })
      .describe("Poll every bridge's /colibri/stats and /debug (conference→bridge placement); omit to skip")
      .optional(),
    prometheus: z
      .strictObject({
        url: httpUrl('Prometheus-compatible query API base URL (Prometheus, Mimir), e.g. http://prometheus:9090'),
        tenant: nonEmptyString('Mimir/Cortex tenant, sent as X-Scope-OrgID').optional(),
        auth: prometheusAuthSchema.optional(),
        queries: z
          .record(
            z.string().regex(/^[a-z_][a-z0-9_]*$/, { error: 'query names are metric names matching ^[a-z_][a-z0-9_]*$' }),
            nonEmptyString('PromQL expression'),
          )
          .describe('Extra metrics: metric name → PromQL; each result series becomes samples of that metric')
          .optional(),
        interval: duration('How often to query; default the jvb interval or 15s').optional(),
      })
      .describe('Query pod CPU and memory (and custom queries) from Prometheus')
      .optional(),
  })
  .default({})
  .describe('Server-side collection, on the same clock as client stats');

export type CollectOptions = z.output<typeof collectSchema>;
