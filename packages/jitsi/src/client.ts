import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, JltError, deadlineSignal, readBodyText } from '@jlt/core';
import type { z } from 'zod';
import { healthFromResponse, JvbVersionSchema, type JvbHealth, type JvbVersion } from './about.js';
import { ColibriStatsSchema, type ColibriStats } from './colibri-stats.js';
import { JvbDebugSchema, type JvbDebug } from './debug.js';
import { describeZodIssues } from './payload.js';
import { parsePrometheusText, type MetricFamily } from './prometheus-text.js';

export interface JvbClientOptions {
  /** Defaults to the global `fetch` (Node 20 undici). */
  fetch?: typeof fetch;
  /** Per request, covering connect, headers and body. Default 2000 ms. */
  timeoutMs?: number;
  /** Aborts every request of this client (e.g. the run's signal). */
  signal?: AbortSignal;
  /** Largest answer body read, enforced while streaming (chunked answers too). Default 32 MiB. */
  maxBodyBytes?: number;
}

/** Why a request failed. The first four are `TARGET_UNREACHABLE`, the rest `PROTOCOL_ERROR`. */
export type JvbRequestFailure =
  | 'unreachable'
  | 'timeout'
  | 'aborted'
  | 'http-status'
  | 'too-large'
  | 'not-json'
  | 'schema'
  | 'not-prometheus';

/** A failed request to one JVB surface; the message names the URL and what was wrong. */
export class JvbRequestError extends JltError {
  override readonly name = 'JvbRequestError';
  readonly url: string;
  readonly reason: JvbRequestFailure;
  /** HTTP status when the bridge answered. */
  readonly status: number | undefined;

  constructor(url: string, reason: JvbRequestFailure, detail: string, extra: { status?: number; hint: string; cause?: unknown }) {
    const code = reason === 'unreachable' || reason === 'timeout' || reason === 'aborted' || reason === 'http-status' ? 'TARGET_UNREACHABLE' : 'PROTOCOL_ERROR';
    super(code, `GET ${url}: ${detail}`, { hint: extra.hint, cause: extra.cause });
    this.url = url;
    this.reason = reason;
    this.status = extra.status;
  }
}

/**
 * Reads one bridge's private HTTP interface (JVB REST, port 8080 by default). Every method either
 * resolves with a validated value or rejects with a `JvbRequestError`; it never rejects with anything
 * else. Methods are independent and may run concurrently.
 */
export interface JvbClient {
  /** The REST base URL as given, e.g. `http://10.2.1.7:8080`. */
  readonly restUrl: string;
  /** `GET /colibri/stats`; needs the COLIBRI REST API enabled on the bridge. */
  colibriStats(): Promise<ColibriStats>;
  /** `GET /debug` (short mode: endpoint id → stats id per conference). */
  debug(): Promise<JvbDebug>;
  /** `GET /about/health`: 2xx healthy, 5xx unhealthy (resolves); anything else rejects. */
  health(): Promise<JvbHealth>;
  /** `GET /about/version`. */
  version(): Promise<JvbVersion>;
  /** `GET /metrics` as Prometheus text 0.0.4 (native `jitsi_jvb_*` names). */
  metrics(): Promise<MetricFamily[]>;
}

const UNREACHABLE_HINT =
  "Check the bridge's private HTTP port is reachable from here: JVB binds it to 127.0.0.1:8080 by default (the docker image binds 0.0.0.0), and the helm chart exposes no Service for it, so use the pod IP or `kubectl port-forward`.";

function disabledHint(path: string): string {
  if (path === 'colibri/stats') return 'The COLIBRI REST API is off on this bridge: set videobridge.apis.rest.enabled = true (docker and helm: COLIBRI_REST_ENABLED=true).';
  const api = path === 'metrics' ? 'prometheus' : path === 'debug' ? 'debug' : path.replace('about/', '');
  return `This REST API is off on this bridge: set videobridge.rest.${api}.enabled = true, or check the URL points at JVB's private port.`;
}

/** Creates a client for the bridge whose REST interface is at `restUrl` (a path prefix is kept). */
export function createJvbClient(restUrl: string, options: JvbClientOptions = {}): JvbClient {
  let base: URL;
  try {
    base = new URL(restUrl.endsWith('/') ? restUrl : `${restUrl}/`);
  } catch {
    throw new JltError('INVALID_ARGUMENT', `JVB REST URL "${restUrl}" is not a valid URL`, { hint: 'Use the form http://HOST:8080.' });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new JltError('INVALID_ARGUMENT', `JVB REST URL "${restUrl}" must be http(s)`, { hint: 'Use the form http://HOST:8080.' });
  }
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 2000;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  async function get(path: string, accept: string): Promise<{ url: string; status: number; body: string }> {
    const url = new URL(path, base).href;
    const deadline = deadlineSignal(timeoutMs, options.signal);
    try {
      const response = await fetchImpl(url, { signal: deadline.signal, headers: { accept } });
      const body = await readBodyText(response, maxBodyBytes);
      return { url, status: response.status, body };
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        throw new JvbRequestError(url, 'too-large', error.message, {
          hint: 'No JVB surface answers this much; check the URL points at the bridge and not at something streaming.',
          cause: error,
        });
      }
      if (deadline.timedOut) {
        throw new JvbRequestError(url, 'timeout', `no complete answer within ${timeoutMs} ms`, {
          hint: 'The bridge is overloaded or the address leads nowhere; raise the timeout only if the bridge is known to be slow.',
          cause: error,
        });
      }
      if (options.signal?.aborted) throw new JvbRequestError(url, 'aborted', 'request aborted', { hint: 'The run was stopped.', cause: error });
      throw new JvbRequestError(url, 'unreachable', describeNetworkError(error), { hint: UNREACHABLE_HINT, cause: error });
    } finally {
      deadline.dispose();
    }
  }

  function requireOk(path: string, response: { url: string; status: number }, allowServerError = false): void {
    const ok = response.status >= 200 && response.status < 300;
    if (ok || (allowServerError && response.status >= 500)) return;
    const hint = response.status === 404 || response.status === 405 ? disabledHint(path) : `The bridge answered HTTP ${response.status}; check its logs.`;
    throw new JvbRequestError(response.url, 'http-status', `HTTP ${response.status}`, { status: response.status, hint });
  }

  async function getJson<S extends z.ZodType>(path: string, schema: S): Promise<z.output<S>> {
    const response = await get(path, 'application/json');
    requireOk(path, response);
    let value: unknown;
    try {
      value = JSON.parse(response.body);
    } catch (error) {
      throw new JvbRequestError(response.url, 'not-json', `answer is not JSON: ${snippet(response.body)}`, {
        status: response.status,
        hint: 'The URL does not lead to a JVB REST interface (a proxy or another service answered?).',
        cause: error,
      });
    }
    const result = schema.safeParse(value);
    if (!result.success) {
      throw new JvbRequestError(response.url, 'schema', `unexpected payload: ${describeZodIssues(result.error)}`, {
        status: response.status,
        hint: 'The bridge answered JSON jlt does not recognise for this surface; check the JVB version.',
      });
    }
    return result.data;
  }

  return {
    restUrl,
    colibriStats: () => getJson('colibri/stats', ColibriStatsSchema),
    debug: () => getJson('debug', JvbDebugSchema),
    version: () => getJson('about/version', JvbVersionSchema),
    async health() {
      const response = await get('about/health', 'application/json');
      requireOk('about/health', response, true);
      return healthFromResponse(response.status, response.body);
    },
    async metrics() {
      const response = await get('metrics', 'text/plain; version=0.0.4');
      requireOk('metrics', response);
      try {
        return parsePrometheusText(response.body, { source: response.url });
      } catch (error) {
        throw new JvbRequestError(response.url, 'not-prometheus', (error as Error).message, {
          status: response.status,
          hint: 'The answer is not Prometheus text format 0.0.4; check the URL points at JVB or the exporter.',
          cause: error,
        });
      }
    },
  };
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (cause && typeof cause.code === 'string') return `cannot connect (${cause.code})`;
  if (cause && typeof cause.message === 'string') return `cannot connect (${cause.message})`;
  return `cannot connect (${error instanceof Error ? error.message : String(error)})`;
}

function snippet(body: string): string {
  const text = body.trim();
  if (text === '') return '(empty body)';
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}
