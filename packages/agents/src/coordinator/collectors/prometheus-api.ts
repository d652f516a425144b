import { z } from 'zod';
import { authorizationHeader, redactUrl, type HttpCredentials } from '@jlt/core';
import { httpGet, HttpGetError, snippet, type FetchLike } from './http-get.js';

/** Credentials for the query API; the values, never logged, come from environment variables the scenario names. */
export type PrometheusCredentials = HttpCredentials;

export interface PrometheusClientOptions {
  /** Base URL of the query API, e.g. `http://prometheus:9090` or Mimir's `http://mimir/prometheus`. */
  url: string;
  /** Mimir/Cortex tenant, sent as `X-Scope-OrgID`. */
  tenant?: string;
  credentials?: PrometheusCredentials;
  fetch?: FetchLike;
}

/** One result series: its labels and its (time ms, value) points; non-finite values are left out. */
export interface PrometheusSeries {
  labels: Record<string, string>;
  points: [number, number][];
}

export interface PrometheusClient {
  /** `GET /api/v1/query_range`: evaluations at start, start+step, … ≤ end (all in epoch ms). */
  queryRange(query: string, range: { startMs: number; endMs: number; stepMs: number }, signal: AbortSignal): Promise<PrometheusSeries[]>;
  /** `GET /api/v1/query`: one evaluation at `timeMs` (the server's now when omitted). */
  query(query: string, at: { timeMs?: number }, signal: AbortSignal): Promise<PrometheusSeries[]>;
}

const sampleValue = z.tuple([z.number(), z.string()]);
const labels = z.record(z.string(), z.string());

/** The documented HTTP API envelope (`prometheus/docs/querying/api.md`), which Mimir serves too. */
const ApiResponseSchema = z.discriminatedUnion('status', [
  z.looseObject({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.looseObject({ resultType: z.literal('matrix'), result: z.array(z.looseObject({ metric: labels, values: z.array(sampleValue) })) }),
      z.looseObject({ resultType: z.literal('vector'), result: z.array(z.looseObject({ metric: labels, value: sampleValue })) }),
      z.looseObject({ resultType: z.literal('scalar'), result: sampleValue }),
      z.looseObject({ resultType: z.literal('string'), result: sampleValue }),
    ]),
    warnings: z.array(z.string()).optional(),
  }),
  z.looseObject({ status: z.literal('error'), errorType: z.string().optional(), error: z.string().optional() }),
]);

function point([seconds, text]: [number, string]): [number, number] | undefined {
  const value = Number(text);
  return Number.isFinite(value) ? [Math.round(seconds * 1000), value] : undefined;
}

function keep(points: ([number, number] | undefined)[]): [number, number][] {
  return points.filter((p): p is [number, number] => p !== undefined);
}

/** Headers for a client; exported for tests that check what is sent. */
export function prometheusHeaders(options: Pick<PrometheusClientOptions, 'tenant' | 'credentials'>): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.tenant !== undefined) headers['x-scope-orgid'] = options.tenant;
  if (options.credentials !== undefined) headers.authorization = authorizationHeader(options.credentials);
  return headers;
}

/** A client for the Prometheus HTTP query API (Prometheus, Mimir, Cortex, Thanos). Errors never carry credentials. */
export function createPrometheusClient(options: PrometheusClientOptions): PrometheusClient {
  const base = options.url.replace(/\/+$/, '');
  const where = redactUrl(base);
  const headers = prometheusHeaders(options);

  async function call(path: string, params: Record<string, string>, signal: AbortSignal): Promise<PrometheusSeries[]> {
    const url = `${base}${path}?${new URLSearchParams(params).toString()}`;
    let answer;
    try {
      answer = await httpGet(url, { signal, headers, ...(options.fetch ? { fetch: options.fetch } : {}) });
    } catch (error) {
      const reason = error instanceof HttpGetError ? error.message.replace(/^GET \S+ /, '') : String(error);
      throw new HttpGetError(`Prometheus ${where}${path} ${reason}`);
    }
    let decoded: unknown;
    try {
      decoded = JSON.parse(answer.body) as unknown;
    } catch {
      throw new HttpGetError(`Prometheus ${where}${path} answered HTTP ${answer.status}, not JSON${snippet(answer.body)}`, answer.status);
    }
    const parsed = ApiResponseSchema.safeParse(decoded);
    if (!parsed.success) throw new HttpGetError(`Prometheus ${where}${path} answered HTTP ${answer.status} with an unexpected shape${snippet(answer.body)}`, answer.status);
    const response = parsed.data;
    if (response.status === 'error') {
      throw new HttpGetError(`Prometheus ${where}${path} answered HTTP ${answer.status}: ${response.errorType ?? 'error'}: ${response.error ?? 'no message'}`, answer.status);
    }
    const data = response.data;
    switch (data.resultType) {
      case 'matrix':
        return data.result.map((s) => ({ labels: s.metric, points: keep(s.values.map(point)) }));
      case 'vector':
        return data.result.map((s) => ({ labels: s.metric, points: keep([point(s.value)]) }));
      case 'scalar':
        return [{ labels: {}, points: keep([point(data.result)]) }];
      case 'string':
        throw new HttpGetError(`Prometheus ${where}${path}: the query returned a string, not numbers`);
    }
  }

  const seconds = (ms: number): string => (ms / 1000).toFixed(3);
  return {
    queryRange: (query, range, signal) =>
      call('/api/v1/query_range', { query, start: seconds(range.startMs), end: seconds(range.endMs), step: seconds(range.stepMs) }, signal),
    query: (query, at, signal) => call('/api/v1/query', { query, ...(at.timeMs === undefined ? {} : { time: seconds(at.timeMs) }) }, signal),
  };
}
