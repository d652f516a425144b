import type * as z from 'zod';
import { JltError } from '../errors.js';
import type { prometheusAuthSchema } from './collect.js';

export type PrometheusAuth = z.output<typeof prometheusAuthSchema>;

/** Credentials read from the environment; never logged, never written to results. */
export type HttpCredentials = { basic: { username: string; password: string } } | { bearerToken: string };

/**
 * The value of an environment variable a scenario names for a secret. `field` is the option's
 * dotted path (e.g. `outputs.prometheus.auth.bearerTokenEnv`), so the error says where the name came from.
 */
export function requireSecretEnv(env: Readonly<Record<string, string | undefined>>, name: string, field: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    const parent = field.includes('.') ? field.slice(0, field.lastIndexOf('.')) : field;
    throw new JltError('INVALID_ARGUMENT', `environment variable ${name} (named by ${field}) is not set`, {
      hint: `export ${name}=… before running jlt, or remove ${parent}`,
    });
  }
  return value;
}

/** Reads the credentials `auth` (at option path `field`) references by variable name. */
export function resolveHttpCredentials(
  auth: PrometheusAuth | undefined,
  env: Readonly<Record<string, string | undefined>>,
  field: string,
): HttpCredentials | undefined {
  if (auth === undefined) return undefined;
  if ('basic' in auth) return { basic: { username: auth.basic.username, password: requireSecretEnv(env, auth.basic.passwordEnv, `${field}.basic.passwordEnv`) } };
  return { bearerToken: requireSecretEnv(env, auth.bearerTokenEnv, `${field}.bearerTokenEnv`) };
}

/** The `Authorization` header value for credentials. */
export function authorizationHeader(credentials: HttpCredentials): string {
  return 'basic' in credentials
    ? `Basic ${Buffer.from(`${credentials.basic.username}:${credentials.basic.password}`).toString('base64')}`
    : `Bearer ${credentials.bearerToken}`;
}
