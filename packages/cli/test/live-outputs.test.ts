import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, jltBin, queryResults, repoRoot, spawnJlt, waitFor } from './cli-harness.js';
import { startPrometheus, type RunningPrometheus } from './prometheus-harness.js';

/*
 * One `jlt run` against the testbed serves every live-output check (CI budget): Debian's Prometheus
 * with the remote-write receiver gets the run through the prometheus output (read back with PromQL
 * while the run goes, then every query of the Grafana dashboard); the testbed's pages throw and log
 * errors on purpose, which Faro turns into run events and forwards to a local collector; and two
 * more outputs point at destinations that are down (prometheus) and hung (influxdb).
 */

interface PromSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

interface Dashboard {
  panels: { type: string; title: string; targets?: { expr: string }[] }[];
  templating: { list: { name: string; type: string; definition?: string }[] };
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP server that records what is POSTed to it; `hang` accepts requests and never answers. */
async function receiver(mode: 'accept' | 'hang'): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (mode === 'accept') response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

let dir: string;
let prometheus: RunningPrometheus;
let faro: Awaited<ReturnType<typeof receiver>>;
let hung: Awaited<ReturnType<typeof receiver>>;

beforeAll(async () => {
  expect(existsSync(jltBin), `build the CLI first: npx tsc -b packages/cli (${jltBin} is missing)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'jlt-live-'));
  prometheus = await startPrometheus(
    (promDir) => ['  - job_name: testbed', '    file_sd_configs:', `      - files: ['${join(promDir, 'targets.json')}']`, '        refresh_interval: 1s'],
    ['--web.enable-remote-write-receiver'],
  );
  await writeFile(join(prometheus.dir, 'targets.json'), '[]');
  faro = await receiver('accept');
  hung = await receiver('hang');
});

afterAll(async () => {
  for (const server of [faro?.server, hung?.server]) {
    server?.closeAllConnections();
    server?.close();
  }
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function promql(query: string, range?: { start: number; end: number }): Promise<PromSeries[]> {
  const params = new URLSearchParams({ query, ...(range ? { start: String(range.start / 1000), end: String(range.end / 1000), step: '2' } : {}) });
  const response = await fetch(`${prometheus.url}/api/v1/${range ? 'query_range' : 'query'}?${params}`);
  const body = (await response.json()) as { status: string; error?: string; data?: { result: PromSeries[] } };
  if (body.status !== 'success') throw new Error(`PromQL ${query}: ${body.error ?? response.status}`);
  return body.data!.result;
}

async function labelValues(match: string, label: string): Promise<string[]> {
  const response = await fetch(`${prometheus.url}/api/v1/series?${new URLSearchParams({ 'match[]': match })}`);
  const body = (await response.json()) as { data: Record<string, string>[] };
  return [...new Set(body.data.map((series) => series[label]).filter((v): v is string => v !== undefined))].sort();
}

const finite = (series: PromSeries[]): number[] =>
  series.flatMap((s) => (s.values ?? (s.value ? [s.value] : [])).map(([, v]) => Number(v))).filter((v) => Number.isFinite(v));

describe('live outputs and Faro through one jlt run', () => {
  it('streams to Prometheus while the run goes, feeds every dashboard query, and records the pages\' errors', async () => {
    const downPort = await freePort();
    const file = join(dir, 'live.yaml');
    await writeFile(
      file,
      `name: live-outputs
target: { kind: testbed, bridges: 1, config: { testbed.pageErrors: true } }
conferences: 1
participantsPerConference: 2
rampUp: { every: 1s }
duration: 15s
media: { video: { width: 320, height: 180, fps: 10 }, audio: false }
bots: { faro: { collectorUrl: '${faro.url}/collect' } }
collect:
  jvb: { interval: 1s }
  prometheus:
    url: ${prometheus.url}
    interval: 2s
    queries:
      pod_cpu_cores: 'rate(process_cpu_seconds_total{job="testbed"}[5s])'
      pod_memory_bytes: 'process_resident_memory_bytes{job="testbed"}'
outputs:
  - influxdb: { url: '${hung.url}', org: jlt, bucket: runs, flushInterval: 1s, timeout: 2s }
`,
    );
    const out = join(dir, 'out');
    // The Prometheus outputs come from the command line, k6-style (ARG is the remote-write URL).
    const remoteWrite = (base: string): string[] => ['--out', `prometheus=${base}/api/v1/write`];
    const child = spawnJlt(['run', file, '--results', out, ...remoteWrite(prometheus.url), ...remoteWrite(`http://127.0.0.1:${downPort}`)]);
    let exitedAt = 0;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        exitedAt = Date.now();
        resolve(code);
      }),
    );

    // 1. The run's testbed bridges become Prometheus scrape targets (for the pod_* queries).
    const runJson = join(out, 'run.json');
    let runId = '';
    await waitFor(
      async () => {
        if (!existsSync(runJson)) return false;
        const run = JSON.parse(await readFile(runJson, 'utf8')) as { runId: string; target?: { bridges: { restUrl: string }[] } };
        runId = run.runId;
        const bridges = run.target?.bridges ?? [];
        if (bridges.length === 0) return false;
        await writeFile(join(prometheus.dir, 'targets.json'), JSON.stringify([{ targets: bridges.map((b) => new URL(b.restUrl).host) }]));
        return true;
      },
      60_000,
      'the run to start its testbed',
      child,
    );

    // 2. Bot series with bridge and conference labels are in Prometheus before the run ends.
    let live: PromSeries[] = [];
    await waitFor(
      async () => {
        live = await promql(`jlt_webrtc_rtt_seconds_count{run_id="${runId}"}`);
        return live.length > 0;
      },
      90_000,
      'bot RTT series in Prometheus while the run is still going',
      child,
    );
    expect(live[0]!.metric).toMatchObject({ run_id: runId, scenario: 'live-outputs', bridge: 'jvb-1', conference: 'live-outputs-01' });

    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 120_000))]);
    expect(code, child.output()).toBe(0);
    const stderr = child.output();

    // 3. Every sample the store has, Prometheus has: histogram counts equal the store's counts.
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as { meta: { startedAt: number; durationMs: number } };
    const window = { start: summary.meta.startedAt - 5_000, end: summary.meta.startedAt + summary.meta.durationMs + 10_000 };
    const stored = await queryResults(out, "select metric, count(*) as n from samples group by metric order by metric");
    const storedCount = (metric: string): number => Number(stored.find((r) => r.metric === metric)?.n ?? 0);
    const total = stored.reduce((n, r) => n + Number(r.n), 0);
    expect(storedCount('webrtc_rtt_ms')).toBeGreaterThan(10);
    for (const [metric, name] of [['webrtc_rtt_ms', 'jlt_webrtc_rtt_seconds'], ['webrtc_recv_fps', 'jlt_webrtc_recv_frames_per_second'], ['bot_join_time_ms', 'jlt_bot_join_time_seconds']] as const) {
      const [count] = finite(await promql(`sum(${name}_count{run_id="${runId}"})`));
      expect(count, metric).toBe(storedCount(metric));
    }
    expect(stderr).toMatch(new RegExp(`prometheus output: wrote ${total} samples to ${prometheus.url}/api/v1/write \\(.*\\), dropped 0`));

    // 4. Percentiles from the histogram land in the bucket of the store's exact percentile.
    const rtts = (await queryResults(out, "select value from samples where metric = 'webrtc_rtt_ms' order by value")).map((r) => Number(r.value) / 1000);
    const exact = rtts[Math.ceil(0.95 * rtts.length) - 1]!;
    const bounds = (await promql(`jlt_webrtc_rtt_seconds_bucket{run_id="${runId}"}`)).map((s) => Number(s.metric.le)).filter(Number.isFinite).sort((a, b) => a - b);
    const upper = bounds.find((b) => b >= exact)!;
    const lower = [...bounds].reverse().find((b) => b < exact) ?? 0;
    const [p95] = finite(await promql(`histogram_quantile(0.95, sum by (le) (jlt_webrtc_rtt_seconds_bucket{run_id="${runId}"}))`));
    expect(p95).toBeGreaterThanOrEqual(lower);
    expect(p95).toBeLessThanOrEqual(upper);
    const [joinSuccess] = finite(await promql(`sum(jlt_bot_join_success_passes_total{run_id="${runId}"}) / (sum(jlt_bot_join_success_passes_total{run_id="${runId}"}) + sum(jlt_bot_join_success_fails_total{run_id="${runId}"}))`));
    expect(joinSuccess).toBe(1);

    // 5. Labels are the low-cardinality ones only: no bot ids.
    const allowed = new Set(['__name__', 'run_id', 'scenario', 'agent', 'bridge', 'conference', 'mode', 'le', 'reason', 'candidate', 'vital']);
    const everything = await fetch(`${prometheus.url}/api/v1/series?${new URLSearchParams({ 'match[]': `{run_id="${runId}"}` })}`).then((r) => r.json() as Promise<{ data: Record<string, string>[] }>);
    expect(everything.data.length).toBeGreaterThan(50);
    for (const series of everything.data) for (const label of Object.keys(series)) expect(allowed.has(label), `${series.__name__} has label ${label}`).toBe(true);
    expect(JSON.stringify(everything.data)).not.toContain('c01-p0');

    // 6. Every query of the dashboard returns data for this run; its variables find it.
    const dashboard = JSON.parse(await readFile(join(repoRoot, 'infra/grafana/jlt-dashboard.json'), 'utf8')) as Dashboard;
    const substitute = (expr: string): string =>
      expr.replaceAll('$__rate_interval', '10s').replaceAll('$run', runId).replaceAll('$scenario', 'live-outputs').replaceAll('$bridge', '.*').replaceAll('$conference', '.*');
    const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((t) => ({ panel: panel.title, expr: substitute(t.expr) })));
    expect(queries.length).toBeGreaterThanOrEqual(20);
    const empty: string[] = [];
    for (const { panel, expr } of queries) {
      if (finite(await promql(expr, window)).length === 0) empty.push(`${panel}: ${expr}`);
    }
    expect(empty, 'dashboard queries without data').toEqual([]);
    const expectedValues: Record<string, (values: string[]) => boolean> = {
      run: (values) => values.includes(runId),
      scenario: (values) => values.join() === 'live-outputs',
      bridge: (values) => values.join() === 'jvb-1',
      conference: (values) => values.join() === 'live-outputs-01',
    };
    const variables = dashboard.templating.list.filter((v) => v.type === 'query');
    expect(variables.map((v) => v.name)).toEqual(['run', 'scenario', 'bridge', 'conference']);
    for (const variable of variables) {
      const match = /^label_values\((.+), (\w+)\)$/.exec(substitute(variable.definition!))!;
      const values = await labelValues(match[1]!, match[2]!);
      expect(expectedValues[variable.name]!(values), `${variable.name}: ${values.join(', ')}`).toBe(true);
    }

    // 7. The pages' own errors are run events with their bot, in the store.
    const events = await queryResults(out, "select kind, meta->>'bot' as bot, message from events where kind like 'page.%' order by bot, kind");
    const bots = ['c01-p01', 'c01-p02'];
    for (const bot of bots) {
      const kinds = events.filter((e) => e.bot === bot).map((e) => e.kind);
      expect(kinds, bot).toEqual(expect.arrayContaining(['page.console_error', 'page.console_warning', 'page.error', 'page.unhandled_rejection']));
    }
    expect(events.find((e) => e.kind === 'page.error')?.message).toMatch(/^c01-p0\d: uncaught error in the page: TypeError: testbed: simulated uncaught error$/);
    expect(stderr).toMatch(/error: c01-p01: uncaught error in the page: TypeError: testbed: simulated uncaught error/);

    // 8. Faro's JSON payloads reached the collector unchanged (as Faro's own transport sends them).
    const bodies = faro.received.map((r) => JSON.parse(r.body) as { meta: { app: { name: string }; user: { id: string }; session?: { id: string } }; exceptions?: { type: string; value: string }[] });
    expect(faro.received.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
    expect(new Set(bodies.map((b) => b.meta.user.id))).toEqual(new Set(bots));
    expect(bodies.every((b) => b.meta.app.name === 'jlt-bot')).toBe(true);
    expect(bodies.flatMap((b) => b.exceptions ?? []).map((e) => e.value)).toEqual(expect.arrayContaining(['testbed: simulated uncaught error', 'testbed: simulated unhandled rejection']));
    expect(faro.received.some((r) => typeof r.headers['x-faro-session-id'] === 'string')).toBe(true);

    // 9. A destination that is down or hung did not delay the run and lost nothing of the store's;
    //    each such output said once that it failed and, at the end, what it dropped.
    expect(summary.meta.durationMs).toBeLessThan(2_000 + 15_000 + 3_000);
    expect(exitedAt - (summary.meta.startedAt + summary.meta.durationMs)).toBeLessThan(15_000);
    expect(stderr.match(/prometheus output: cannot write to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write: ECONNREFUSED/g)).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`prometheus output: wrote 0 samples to http://127.0.0.1:${downPort}/api/v1/write .*, dropped ${total} \\(`));
    expect(stderr.match(/influxdb output: cannot write to/g)).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`influxdb output: wrote 0 samples to ${hung.url} \\(org jlt, bucket runs\\), dropped ${total} \\(`));
    expect(hung.received.length).toBeGreaterThan(0);

    // 10. The end summary says what each live output delivered, in the order they were named.
    const grouped = String(total).replace(/\B(?=(\d{3})+$)/g, ' ');
    const deliveries = stderr.match(/^ {2}(?:prometheus|influxdb): +.* samples written, .* dropped$/gm)?.map((line) => line.replace(/ +/g, ' '));
    expect(deliveries).toEqual([` influxdb: 0 samples written, ${grouped} dropped`, ` prometheus: ${grouped} samples written, 0 dropped`, ` prometheus: 0 samples written, ${grouped} dropped`]);
  });
});
