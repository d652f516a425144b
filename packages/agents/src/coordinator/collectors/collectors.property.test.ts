import { setMaxListeners } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { JltError, type Logger, type PlacementRecord, type RunEvent, type Sample } from '@jlt/core';
import { JSON_TOKENS, mutatedJson, mutatedText } from '@jlt/core/test-support';
import { jvbGauges, jvbGaugesFromPrometheus, parseColibriStats, parseJvbDebug, parsePrometheusText, placementFromDebug, type JvbGauges } from '@jlt/jitsi';
import { describe, expect, it } from 'vitest';
import type { CollectorSink } from './collector.js';
import { startJvbRestCollector, type DebugSnapshot } from './jvb-rest-collector.js';
import { until } from '@jlt/core/test-support';

/*
 * The JVB collector on mutants of the real payloads in packages/jitsi/test/fixtures (copies of
 * shared/jitsi-samples): /colibri/stats JSON, /debug JSON, and exporter Prometheus text (served as
 * /metrics of a bridge whose /colibri/stats answers 404). Each of 150 bridges answers its own mutants.
 * Whatever a bridge says, the collector either records exactly what the parser makes of it, or emits
 * a short `collector-error` naming the bridge and the surface; nothing throws out of it, and a parse
 * failure is the parser's own error (JltError), never a TypeError from deep inside.
 */

const fixturesDir = new URL('../../../../jitsi/test/fixtures/', import.meta.url);
const fixtures = readdirSync(fixturesDir).sort();
const read = (name: string): string => readFileSync(new URL(name, fixturesDir), 'utf8');
const colibri = fixtures.filter((name) => /^colibri-stats\..+\.json$/.test(name)).map(read);
const debug = fixtures.filter((name) => /^jvb-debug\..+\.json$/.test(name)).map(read);
const exposition = fixtures.filter((name) => /\.prom\.txt$/.test(name)).map(read);

const PROMETHEUS_TOKENS = fc.constantFrom('# HELP ', '# TYPE ', 'gauge', 'counter', 'histogram', '{', '}', '="', '"', ',', ' ', '\n', '\\', 'NaN', '+Inf', '-Inf', '1e999', '-0', 'jitsi_local_endpoints ', 'jitsi_participants ', '\t', '\r', '\u0000', '😀');

/** A JSON payload mutated structurally or as text (then it may no longer be JSON at all). */
function mutatedPayload(text: string): fc.Arbitrary<string> {
  return fc.oneof(mutatedJson(JSON.parse(text)).map((json) => JSON.stringify(json)), mutatedText(text, JSON_TOKENS, 3), fc.constant(text));
}

interface BridgeCase {
  gaugesFrom: 'colibri-stats' | 'metrics';
  gauges: string;
  debug: string;
}

const bridgeCase: fc.Arbitrary<BridgeCase> = fc.oneof(
  fc.record({ gaugesFrom: fc.constant('colibri-stats' as const), gauges: fc.constantFrom(...colibri).chain(mutatedPayload), debug: fc.constantFrom(...debug).chain(mutatedPayload) }),
  fc.record({
    gaugesFrom: fc.constant('metrics' as const),
    gauges: fc.constantFrom(...exposition).chain((text) => fc.oneof(mutatedText(text, PROMETHEUS_TOKENS, 4), fc.constant(text))),
    debug: fc.constantFrom(...debug).chain(mutatedPayload),
  }),
);

/** A collector-error is logged, stored and shown in reports: it names the problem, not the payload. */
const MAX_ERROR_CHARS = 1_000;

type Expected<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** What the parser makes of a body, decoded as the collector decodes it (UTF-8, BOM dropped). */
async function expected<T>(body: string, parse: (text: string) => T): Promise<Expected<T>> {
  const text = await new Response(body).text();
  try {
    return { ok: true, value: parse(text) };
  } catch (error) {
    return { ok: false, error };
  }
}

const cases = fc.sample(bridgeCase, { seed: 13_401, numRuns: 150 });

describe('JVB collector on mutated real payloads', () => {
  it('records what the parsers accept and turns everything else into a short collector-error', async () => {
    expect(colibri.length).toBeGreaterThanOrEqual(2);
    expect(debug.length).toBeGreaterThanOrEqual(1);
    expect(exposition.length).toBeGreaterThanOrEqual(2);
    const routes = new Map<string, { status: number; body: string }>();
    cases.forEach((c, n) => {
      const base = `http://bridge-${n}.test`;
      routes.set(`${base}/colibri/stats`, c.gaugesFrom === 'colibri-stats' ? { status: 200, body: c.gauges } : { status: 404, body: 'Not Found' });
      if (c.gaugesFrom === 'metrics') routes.set(`${base}/metrics`, { status: 200, body: c.gauges });
      routes.set(`${base}/debug`, { status: 200, body: c.debug });
    });
    const fetch = (async (input: string | URL | Request) => {
      const route = routes.get(input instanceof Request ? input.url : input.toString());
      return new Response(route?.body ?? 'Not Found', { status: route?.status ?? 404 });
    }) as typeof globalThis.fetch;

    const firstGauges = new Map<string, Sample[]>();
    const events: RunEvent[] = [];
    const snapshots = new Map<string, DebugSnapshot>();
    const sink: CollectorSink = {
      samples: (batch) => {
        const bridge = batch[0]?.tags.bridge;
        if (bridge !== undefined && !firstGauges.has(bridge)) firstGauges.set(bridge, batch);
      },
      events: (batch) => void events.push(...batch),
      placement: (_records: PlacementRecord[]) => {},
    };
    const quiet: Logger = { log: () => {} };
    const run = new AbortController();
    // One listener per bridge's poller, as on a run's signal (the CLI lifts the limit there too).
    setMaxListeners(0, run.signal);
    const collector = startJvbRestCollector({
      scenario: 's',
      bridges: cases.map((_, n) => ({ id: `b${n}`, restUrl: `http://bridge-${n}.test` })),
      intervalMs: 200,
      now: Date.now,
      sink,
      logger: quiet,
      signal: run.signal,
      fetch,
      onDebugSnapshot: (snapshot) => void (snapshots.has(snapshot.bridge) || snapshots.set(snapshot.bridge, snapshot)),
    });
    try {
      // A second poll starts only once the first has settled.
      await until(() => Object.values(collector.counts()).every((c) => c.polls >= 2), 15_000, 'two polls of every bridge');
    } finally {
      await collector.stop();
    }

    const errors = events.filter((e) => e.kind === 'collector-error');
    for (const error of errors) expect(error.message.length, error.message.slice(0, 200)).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    const problems: string[] = [];
    for (const [n, c] of cases.entries()) {
      const bridge = `b${n}`;
      const errorOn = (surface: string): RunEvent | undefined => errors.find((e) => e.tags?.bridge === bridge && e.meta?.surface === surface);
      const check = <T>(surface: string, outcome: Expected<T>, recorded: () => boolean, payload: string): void => {
        const error = errorOn(surface);
        if (outcome.ok && error) problems.push(`${bridge} ${surface}: the parser accepts it but the collector reported "${error.message.slice(0, 200)}"`);
        if (outcome.ok && !recorded()) problems.push(`${bridge} ${surface}: accepted but not recorded as parsed`);
        if (!outcome.ok && !error) problems.push(`${bridge} ${surface}: rejected (${String(outcome.error)}) but no collector-error`);
        const parserBug = !outcome.ok && !(outcome.error instanceof JltError) && !(outcome.error instanceof SyntaxError);
        if (parserBug) problems.push(`${bridge} ${surface}: the parser threw ${String(outcome.error)} on ${JSON.stringify(payload.slice(0, 300))}`);
      };

      const gauges: Expected<JvbGauges> =
        c.gaugesFrom === 'metrics'
          ? await expected(c.gauges, (text) => jvbGaugesFromPrometheus(parsePrometheusText(text)))
          : await expected(c.gauges, (text) => jvbGauges(parseColibriStats(JSON.parse(text))));
      check(c.gaugesFrom, gauges, () => {
        if (!gauges.ok) return false;
        const got = Object.fromEntries((firstGauges.get(bridge) ?? []).map((s) => [s.metric, s.value]));
        return JSON.stringify(got) === JSON.stringify(gauges.value);
      }, c.gauges);
      if (!gauges.ok && firstGauges.has(bridge)) problems.push(`${bridge}: rejected gauges but samples were recorded`);

      const placement = await expected(c.debug, (text) => placementFromDebug(parseJvbDebug(JSON.parse(text)), bridge));
      check('debug', placement, () => {
        const endpoints = placement.ok ? placement.value.conferences.reduce((sum, conference) => sum + conference.endpoints.length, 0) : -1;
        return snapshots.get(bridge)?.records.length === endpoints;
      }, c.debug);
    }
    expect(problems).toEqual([]);
    // The mutants reach both outcomes on every surface, or the test would be testing little.
    for (const surface of ['colibri-stats', 'metrics', 'debug']) expect(errors.some((e) => e.meta?.surface === surface), `errors on ${surface}`).toBe(true);
    expect(firstGauges.size).toBeGreaterThan(cases.length / 4);
    expect(snapshots.size).toBeGreaterThan(cases.length / 4);
  });
});
