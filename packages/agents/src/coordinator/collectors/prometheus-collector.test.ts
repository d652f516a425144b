import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JltError, type Logger, type PlacementRecord, type RunEvent, type Sample } from '@jlt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorSink } from './collector.js';
import { createPrometheusClient } from './prometheus-api.js';
import { builtInPodQueries, resolvePrometheusCredentials, startPrometheusCollector } from './prometheus-collector.js';
import { until } from '@jlt/core/test-support';

interface Seen {
  path: string;
  params: URLSearchParams;
  headers: IncomingHttpHeaders;
}

const podA = 'myjitsi-jitsi-meet-jvb-7d9c6b5f4-2xkqp';
const podB = 'myjitsi-jitsi-meet-jvb-7d9c6b5f4-h8wzt';

/** Answers like Prometheus' HTTP API (docs/querying/api.md), with points at every step in the asked range. */
function answer(params: URLSearchParams): { status: number; body: string; type?: string } {
  const query = params.get('query') ?? '';
  const start = Number(params.get('start'));
  const end = Number(params.get('end'));
  const step = Number(params.get('step'));
  const times: number[] = [];
  for (let t = start; t <= end + 1e-9; t += step) times.push(t);
  const matrix = (result: { metric: Record<string, string>; values: [number, string][] }[]) =>
    ({ status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }) });
  if (query.startsWith('sum by (pod) (rate(container_cpu_usage_seconds_total')) {
    return matrix([
      { metric: { pod: podA }, values: times.map((t) => [t, '0.25']) },
      { metric: { pod: podB }, values: times.map((t) => [t, 'NaN']) },
    ]);
  }
  if (query.startsWith('sum by (pod) (container_memory_working_set_bytes')) {
    return matrix([{ metric: { pod: podA }, values: times.map((t) => [t, '512000000']) }, { metric: { pod: 'other-pod' }, values: times.map((t) => [t, '1e6']) }]);
  }
  if (query === 'jvb_threads') {
    return matrix(
      Array.from({ length: 12 }, (_, i) => ({
        metric: { __name__: 'jitsi_threads', instance: i === 0 ? '10.244.1.17:9888' : `10.0.0.${i}:9888`, job: 'jvb', mode: i % 2 ? 'a' : 'b', series_id: `s${i}` },
        values: times.map((t): [number, string] => [t, String(50 + i)]),
      })),
    );
  }
  if (query === 'broken(') {
    return { status: 400, body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:8: parse error: unclosed left parenthesis' }) };
  }
  if (query === 'behind_proxy') return { status: 502, type: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
  return matrix([]);
}

function memorySink(): CollectorSink & { s: Sample[]; e: RunEvent[]; p: PlacementRecord[] } {
  const s: Sample[] = [];
  const e: RunEvent[] = [];
  const p: PlacementRecord[] = [];
  return { s, e, p, samples: (x) => void s.push(...x), events: (x) => void e.push(...x), placement: (x) => void p.push(...x) };
}

describe('Prometheus collection', () => {
  const seen: Seen[] = [];
  let server: Server;
  let url = '';
  const logs: string[] = [];
  const logger: Logger = { log: (level, message, fields) => void logs.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`) };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const parsed = new URL(req.url ?? '/', 'http://x');
      seen.push({ path: parsed.pathname, params: parsed.searchParams, headers: req.headers });
      const { status, body, type } = parsed.pathname === '/prometheus/api/v1/query_range' ? answer(parsed.searchParams) : { status: 404, body: '404 page not found\n' };
      res.writeHead(status, { 'content-type': type ?? 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prometheus`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('runs the built-in pod queries and custom queries, mapping pods and instances to bridges', async () => {
    seen.length = 0;
    const sink = memorySink();
    const collector = startPrometheusCollector({
      scenario: 'octo',
      prometheus: { url, tenant: 'team-a', auth: { bearerTokenEnv: 'JLT_PROM_TOKEN' }, queries: { jvb_threads: 'jvb_threads' } },
      env: { JLT_PROM_TOKEN: 's3cr3t-token' },
      pods: { namespace: 'jitsi', bridgeByPod: { [podA]: podA, [podB]: podB } },
      bridgeAddresses: { '10.244.1.17': podA },
      intervalMs: 500,
      now: Date.now,
      sink,
      logger,
      signal: new AbortController().signal,
    });
    try {
      await until(() => collector.counts().prometheus?.polls !== undefined && (collector.counts().prometheus?.polls ?? 0) >= 4, 8_000);
    } finally {
      await collector.stop();
    }
    const cpu = sink.s.filter((s) => s.metric === 'pod_cpu_cores');
    expect(cpu.length).toBeGreaterThan(0);
    expect(cpu.every((s) => s.value === 0.25 && s.tags.bridge === podA && s.tags.scenario === 'octo')).toBe(true);
    const memory = sink.s.filter((s) => s.metric === 'pod_memory_bytes');
    expect(memory.find((s) => s.tags.bridge === podA)?.value).toBe(512_000_000);
    expect(memory.find((s) => s.tags.bridge === undefined)?.meta).toEqual({ pod: 'other-pod' });

    const threads = sink.s.filter((s) => s.metric === 'jvb_threads');
    const mapped = threads.filter((s) => s.tags.bridge === podA);
    expect(mapped.length).toBeGreaterThan(0);
    expect(mapped[0]?.tags).toEqual({ scenario: 'octo', bridge: podA, mode: 'b' });
    // `series_id` has 12 values in one result: too many for a tag. `job` and `__name__` identify targets.
    expect(threads.some((s) => 'series_id' in s.tags || 'job' in s.tags || '__name__' in s.tags)).toBe(false);
    expect(threads.find((s) => s.tags.bridge === undefined)?.meta).toEqual({ instance: '10.0.0.1:9888' });

    const ranges = seen.filter((r) => r.params.get('query')?.includes('container_cpu_usage_seconds_total'));
    expect(ranges[0]?.params.get('query')).toBe(
      `sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="jitsi",pod=~"myjitsi-jitsi-meet-jvb-7d9c6b5f4-2xkqp|myjitsi-jitsi-meet-jvb-7d9c6b5f4-h8wzt",container!="",container!="POD"}[1m]))`,
    );
    for (const request of ranges) expect(request.params.get('step')).toBe('0.500');
    // Successive windows never overlap, so no point is collected twice.
    const pointTimes = cpu.map((s) => s.time);
    expect(new Set(pointTimes).size).toBe(pointTimes.length);
    expect(seen[0]?.headers['x-scope-orgid']).toBe('team-a');
    expect(seen[0]?.headers.authorization).toBe('Bearer s3cr3t-token');
    expect(JSON.stringify(sink.e) + logs.join('\n')).not.toContain('s3cr3t');
  });

  it('turns API errors, HTML and unreachable servers into events and keeps going', async () => {
    const sink = memorySink();
    const collector = startPrometheusCollector({
      scenario: 's',
      prometheus: { url, auth: { basic: { username: 'jlt', passwordEnv: 'PROM_PASSWORD' } }, queries: { broken: 'broken(', behind_proxy: 'behind_proxy', fine: 'fine' } },
      env: { PROM_PASSWORD: 'hunter2' },
      intervalMs: 1_000,
      now: Date.now,
      sink,
      logger,
      signal: new AbortController().signal,
    });
    try {
      await until(() => (collector.counts().prometheus?.failures ?? 0) >= 2, 8_000);
    } finally {
      await collector.stop();
    }
    const messages = sink.e.filter((e) => e.kind === 'collector-error').map((e) => e.message);
    expect(messages.filter((m) => m.startsWith('query broken'))).toContain(
      'query broken: Prometheus ' + url + '/api/v1/query_range answered HTTP 400: bad_data: invalid parameter "query": 1:8: parse error: unclosed left parenthesis',
    );
    expect(messages.find((m) => m.startsWith('query behind_proxy'))).toMatch(/HTTP 502, not JSON: "<html><body><h1>502 Bad Gateway/);
    // Two failing queries over at least two polls: repeated identical errors are not repeated as events.
    expect(messages.length).toBeLessThan(2 * (collector.counts().prometheus?.failures ?? 0));
    expect(seen.at(-1)?.headers.authorization).toBe(`Basic ${Buffer.from('jlt:hunter2').toString('base64')}`);
    expect(JSON.stringify(sink.e) + logs.join('\n')).not.toContain('hunter2');

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = createPrometheusClient({ url: `http://127.0.0.1:${port}` });
    await expect(refused.query('up', {}, AbortSignal.timeout(2_000))).rejects.toThrow(`Prometheus http://127.0.0.1:${port}/api/v1/query failed: ECONNREFUSED`);
  });

  it('refuses to start when a credential variable is missing, naming it but no value', () => {
    expect(() => resolvePrometheusCredentials({ bearerTokenEnv: 'MIMIR_TOKEN' }, {})).toThrow(JltError);
    expect(() => resolvePrometheusCredentials({ bearerTokenEnv: 'MIMIR_TOKEN' }, { MIMIR_TOKEN: '' })).toThrow(/MIMIR_TOKEN \(named by collect\.prometheus\.auth\.bearerTokenEnv\) is not set/);
    expect(resolvePrometheusCredentials(undefined, {})).toBeUndefined();
    expect(resolvePrometheusCredentials({ basic: { username: 'u', passwordEnv: 'P' } }, { P: 'x' })).toEqual({ basic: { username: 'u', password: 'x' } });
  });

  it('escapes regex characters in pod names of the built-in queries', () => {
    expect(builtInPodQueries({ namespace: 'n', bridgeByPod: { 'jvb.0': 'jvb.0' } }, '30s').pod_memory_bytes).toBe(
      'sum by (pod) (container_memory_working_set_bytes{namespace="n",pod=~"jvb\\\\.0",container!="",container!="POD"})',
    );
  });
});

describe('createPrometheusClient', () => {
  it.each([
    ['vector', { resultType: 'vector', result: [{ metric: { job: 'a' }, value: [1_700_000_000.5, '3'] }] }, [{ labels: { job: 'a' }, points: [[1_700_000_000_500, 3]] }]],
    ['scalar', { resultType: 'scalar', result: [1_700_000_000, '2.5'] }, [{ labels: {}, points: [[1_700_000_000_000, 2.5]] }]],
    ['vector with +Inf', { resultType: 'vector', result: [{ metric: {}, value: [1, '+Inf'] }] }, [{ labels: {}, points: [] }]],
  ])('decodes an instant %s result', async (_name, data, expected) => {
    const fake: typeof fetch = async () => new Response(JSON.stringify({ status: 'success', data }), { status: 200 });
    const client = createPrometheusClient({ url: 'http://prometheus:9090', fetch: fake });
    expect(await client.query('x', { timeMs: 1 }, new AbortController().signal)).toEqual(expected);
  });
});
