import * as z from 'zod';
import { parseDuration } from '../duration.js';

/** Shared field builders for the scenario schema, so every field reads and errs the same way. */

/**
 * A field's own message for a wrong value; a missing value falls through to the parse-time error
 * map, which says `is required`.
 */
export function unlessMissing(message: string): (issue: { input?: unknown }) => string | undefined {
  return (issue) => (issue.input === undefined ? undefined : message);
}

/** `500ms`, `2s`, `5m`, `1h30m`, or a number of milliseconds; parsed to integer milliseconds. */
export function duration(description: string) {
  return z
    .union([z.string(), z.number()], {
      error: unlessMissing('must be a duration such as 500ms, 2s, 5m or 1h30m, or a number of milliseconds'),
    })
    .transform((input, ctx) => {
      try {
        return parseDuration(input);
      } catch (error) {
        ctx.issues.push({ code: 'custom', message: (error as Error).message, input, continue: false });
        return z.NEVER;
      }
    })
    .describe(description);
}

export function positiveInt(description: string) {
  return z.int({ error: unlessMissing('must be a positive integer') }).min(1, { error: 'must be a positive integer' }).describe(description);
}

export function nonNegativeInt(description: string) {
  return z
    .int({ error: unlessMissing('must be a non-negative integer') })
    .min(0, { error: 'must be a non-negative integer' })
    .describe(description);
}

export function httpUrl(description: string) {
  return z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .describe(description);
}

/** Secrets are referenced by the name of an environment variable that holds them, never inline. */
export function envVarName(description: string) {
  return z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name such as JLT_TOKEN' })
    .describe(description);
}

/** Output paths and similar: any non-empty string. */
export function nonEmptyString(description: string) {
  return z.string().min(1, { error: 'must not be empty' }).describe(description);
}
