import { JltError } from '@jlt/core';
import type { z } from 'zod';

/** Formats a zod issue path as a key a person can find in the payload: `conferences.abc.endpoints`, `sizes[3]`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** One line per problem, each naming the key: `key "stress_level": Invalid input: expected number, received string`. */
export function describeZodIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `key "${formatIssuePath(issue.path)}": ${issue.message}`).join('; ');
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
