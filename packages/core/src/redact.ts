/**
 * The one way jlt keeps credentials out of logs, events, reports and result files. A person may
 * write `https://user:password@meet.example.org` into a scenario or `--target-url`; the password is
 * needed to reach the target but is never shown: it becomes `***`, the user name stays so a reader
 * can tell which account was used.
 */
export const REDACTED = '***';

/** `url` with its password (if any) replaced by `***`; text that is not a URL comes back unchanged. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactUrlsIn(url);
  }
  if (parsed.password === '') return url;
  parsed.password = REDACTED;
  return parsed.toString();
}

/** `scheme://user:password@` inside free text (error messages, page errors, logs); `@` ends the password. */
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s/@]*@/gi;

/** Every URL password inside `text` replaced by `***`. */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_PASSWORD, `$1:${REDACTED}@`);
}

/**
 * A URL split into what `fetch` accepts (Node's fetch refuses user info) and the basic-auth header
 * its user info stands for.
 */
export function splitUrlCredentials(url: string): { target: string; authorization?: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { target: url };
  }
  if (parsed.username === '' && parsed.password === '') return { target: url };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { target: parsed.toString(), authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/**
 * Redacts known secret values (a token, a password read from the environment) and URL passwords
 * from text. Secrets shorter than 4 characters are not registered: replacing them would mangle
 * ordinary words while hiding nothing worth hiding.
 */
export class SecretRedactor {
  private readonly _secrets = new Set<string>();

  /** Registers secrets; each one, and its URL-encoded form, is replaced wherever it appears. */
  add(...secrets: readonly (string | undefined)[]): this {
    for (const secret of secrets) {
      if (secret === undefined || secret.length < 4) continue;
      this._secrets.add(secret);
      this._secrets.add(encodeURIComponent(secret));
    }
    return this;
  }

  text(text: string): string {
    let out = redactUrlsIn(text);
    for (const secret of this._secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  /** A JSON-like value with every string in it redacted (object keys included). */
  value<T>(value: T): T {
    return redactDeep(value, (s) => this.text(s)) as T;
  }
}

function redactDeep(value: unknown, redact: (s: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v, redact)]));
  }
  return value;
}
