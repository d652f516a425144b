import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { JltError, type RunContext } from '@jlt/core';

/**
 * Where a secret comes from. jlt reads a secret only when `apply` needs it, keeps it in a
 * `SecretValue`, and hands it on only to a Kubernetes Secret (through kubectl's stdin) or an
 * ansible-vault file; rendered files and printed commands carry the source, never the value.
 */
export type SecretSource = ({ kind: 'file'; path: string } | { kind: 'env'; name: string }) & { id: SecretId };

/** The secrets a deployment can need; `SECRET_LABELS` is how messages name one. */
export type SecretId = 'turnSecret' | 'agentToken' | 'sshPassword' | 'grafanaPassword' | 'vaultPassword';

export const SECRET_LABELS: Record<SecretId, string> = {
  turnSecret: 'TURN secret',
  agentToken: 'agent token',
  sshPassword: 'ssh password',
  grafanaPassword: 'Grafana admin password',
  vaultPassword: 'vault password',
};

/** The environment variable each secret is read from when its `--…-file` flag is not given. */
export const SECRET_ENV: Record<SecretId, string> = {
  turnSecret: 'JLT_TURN_SECRET',
  agentToken: 'JLT_AGENT_TOKEN',
  sshPassword: 'JLT_SSH_PASSWORD',
  grafanaPassword: 'JLT_GRAFANA_PASSWORD',
  vaultPassword: 'JLT_VAULT_PASSWORD',
};

export function describeSource(source: SecretSource): string {
  return source.kind === 'file' ? `file ${source.path}` : `env ${source.name}`;
}

const HIDDEN = '[secret]';

/** A secret's value that prints, logs and serialises as `[secret]`; only `reveal()` gives it out. */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return HIDDEN;
  }

  toJSON(): string {
    return HIDDEN;
  }

  [inspect.custom](): string {
    return HIDDEN;
  }
}

/** Reads a secret from its source; errors name the source and never echo what was read. */
export async function readSecret(source: SecretSource, ctx: Pick<RunContext, 'env'>): Promise<SecretValue> {
  const label = SECRET_LABELS[source.id];
  let text: string | undefined;
  if (source.kind === 'file') {
    text = await readFile(source.path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new JltError('INVALID_ARGUMENT', `cannot read the ${label} from ${source.path}: ${error.code ?? error.message}`);
    });
  } else {
    text = ctx.env[source.name];
    if (text === undefined) throw new JltError('INVALID_ARGUMENT', `the ${label} is to come from ${source.name}, which is not set`);
  }
  // A file's trailing newline is not part of the secret (as for `jlt agent --token-file`).
  const value = text.replace(/\r?\n$/, '');
  if (value.trim() === '') throw new JltError('INVALID_ARGUMENT', `the ${label} from ${describeSource(source)} is empty`);
  return new SecretValue(value);
}

/** A random secret for what jlt creates and consumes itself (an apply's one-off vault password). */
export function generateSecret(): SecretValue {
  return new SecretValue(randomBytes(24).toString('base64url'));
}

/**
 * Replaces every known secret value in text that leaves jlt (a tool's output or error message),
 * as a second line of defence: tools are never given a secret in their arguments, but one could
 * still echo what it read from stdin.
 */
export class Redactor {
  readonly #values = new Set<string>();

  add(secret: SecretValue): void {
    const value = secret.reveal();
    if (value.length >= 4) this.#values.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.#values) out = out.split(value).join(HIDDEN);
    return out;
  }
}
