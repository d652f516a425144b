import { JltError } from '@jlt/core';
import type { z } from 'zod';

/** Longest key shown per path segment: a server's keys are its data, and may be any length. */
const MAX_KEY_CHARS = 40;
/** Problems listed per payload; the rest are counted. A payload wrong in 2000 places needs 5 to be fixed. */
const MAX_ISSUES = 5;

function shortKey(key: string): string {
  return key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS - 1)}…` : key;
}

/** Formats a zod issue path as a key a person can find in the payload: `conferences.abc.endpoints`, `sizes[3]`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? shortKey(String(part)) : `.${shortKey(String(part))}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * The first problems, each naming the key: `key "stress_level": Invalid input: expected number,
 * received string`, then how many more there are. Bounded whatever the payload, because the text
 * ends up in logs, events and reports.
 */
export function describeZodIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, MAX_ISSUES).map((issue) => `key "${formatIssuePath(issue.path)}": ${issue.message}`);
  const more = error.issues.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/**
 * Validates a decoded server payload. `what` names the payload and where it came from
 * (`JVB /colibri/stats from http://10.0.0.5:8080/colibri/stats`); a mismatch throws a
 * `JltError` `PROTOCOL_ERROR` that names every wrong key.
 */
export function parsePayload<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new JltError('PROTOCOL_ERROR', `${what}: unexpected payload: ${describeZodIssues(result.error)}`, {
    hint: 'The server answered, but not with the shape jlt knows for this Jitsi surface; check the URL points at the right component and version.',
  });
}
