import { DEFAULT_MAX_BODY_BYTES, readBodyText, redactUrl, splitUrlCredentials } from '@jlt/core';

export type FetchLike = typeof fetch;

export interface HttpGetOptions {
  fetch?: FetchLike;
  signal: AbortSignal;
  headers?: Record<string, string>;
  /** Largest body read, enforced while streaming (chunked answers too); default 32 MiB. */
  maxBodyBytes?: number;
}


/** Why a GET failed, worded for a person; never contains request headers. */
export class HttpGetError extends Error {
  override readonly name = 'HttpGetError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

function reasonOf(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof DOMException && reason.name === 'TimeoutError') return 'timed out';
    return 'aborted';
  }
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String(cause.code) : undefined;
    if (code) return code;
    if (cause instanceof Error) return cause.message;
    return error.message;
  }
  return String(error);
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** GETs `url` and returns its status and body whatever the status; a network error or timeout throws an `HttpGetError`. */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpAnswer> {
  const doFetch = options.fetch ?? fetch;
  const { target, authorization } = splitUrlCredentials(url);
  const headers = { ...options.headers, ...(authorization === undefined ? {} : { authorization }) };
  let response: Response;
  try {
    response = await doFetch(target, { signal: options.signal, headers, redirect: 'error' });
  } catch (error) {
    throw new HttpGetError(`GET ${redactUrl(url)} failed: ${reasonOf(error, options.signal)}`);
  }
  let body: string;
  try {
    body = await readBodyText(response, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  } catch (error) {
    throw new HttpGetError(`GET ${redactUrl(url)}: reading the answer failed: ${reasonOf(error, options.signal)}`, response.status);
  }
  return { status: response.status, body };
}

/** GETs `url` and returns the body text of a 2xx answer; anything else throws an `HttpGetError`. */
export async function httpGetText(url: string, options: HttpGetOptions): Promise<string> {
  const { status, body } = await httpGet(url, options);
  if (status < 200 || status > 299) {
    throw new HttpGetError(`GET ${redactUrl(url)} answered HTTP ${status}${snippet(body)}`, status);
  }
  return body;
}

/** GETs `url` and decodes a JSON body; HTML, truncated or empty bodies throw an `HttpGetError`. */
export async function httpGetJson(url: string, options: HttpGetOptions): Promise<unknown> {
  const body = await httpGetText(url, { ...options, headers: { accept: 'application/json', ...options.headers } });
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new HttpGetError(`GET ${redactUrl(url)}: answer is not JSON (${error instanceof Error ? error.message : String(error)})${snippet(body)}`);
  }
}

/** The start of a body, for error messages. */
export function snippet(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text === '') return ' (empty body)';
  return `: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`;
}
