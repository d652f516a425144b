import { z } from 'zod';
import { parsePayload } from './payload.js';

/** JVB `GET /about/version` (jicoco `Version`): `{"name": "JVB", "version": "2.3.63", "os": "Linux"}`. */
export const JvbVersionSchema = z.looseObject({
  name: z.string().optional(),
  version: z.string().optional(),
  os: z.string().optional(),
});

export type JvbVersion = z.output<typeof JvbVersionSchema>;

export function parseJvbVersion(value: unknown, source = 'JVB /about/version'): JvbVersion {
  return parsePayload(JvbVersionSchema, value, source);
}

/** The outcome of JVB `GET /about/health`. */
export interface JvbHealth {
  /** True exactly when JVB answered 2xx. */
  healthy: boolean;
  status: number;
  /** The decoded JSON body when JVB sent one (it usually sends none), or its text when it is not JSON. */
  detail?: unknown;
}

/**
 * Interprets a `/about/health` answer: JVB replies `200` with an empty body (or a JSON body) when
 * healthy and `5xx` when its periodic health check failed. Any body is kept as `detail`.
 */
export function healthFromResponse(status: number, body: string): JvbHealth {
  const health: JvbHealth = { healthy: status >= 200 && status < 300, status };
  const trimmed = body.trim();
  if (trimmed !== '') {
    try {
      health.detail = JSON.parse(trimmed) as unknown;
    } catch {
      health.detail = trimmed;
    }
  }
  return health;
}
