import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger, PlacementRecord, RunEvent, Sample } from '@jlt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectorSink } from './collector.js';
import { jvbGauges, parseColibriStats } from '@jlt/jitsi';
import { startJvbRestCollector, type DebugSnapshot } from './jvb-rest-collector.js';
import { until } from '@jlt/core/test-support';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../../jitsi/test/fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** The real JVB 2.3.63 sample with load on it: kbps media bitrates, bps relay bitrates. */
const loadedStats = {
  ...fixture('colibri-stats.jvb-2.3.63.relay-enabled.json'),
  stress_level: 0.42,
  bit_rate_download: 1834,
  bit_rate_upload: 5210,
  rtt_aggregate: 12.5,
  local_endpoints: 2,
  conferences: 1,
  octo_send_bitrate: 2_400_000,
  octo_receive_bitrate: 1_100_000,
  packet_rate_download: 410,
  packet_rate_upload: 1220,
  relay_id: '10.2.1.6',
};
const peerStats = { ...fixture('colibri-stats.jvb-2.3.63.relay-enabled.json'), relay_id: '10.2.1.7' };
const debugWithConference = {
  shutdown_state: 'RUNNING',
  drain: false,
  time: 1_767_000_000_000,
  load_management: { state: 'NOT_OVERLOADED', stress: '0.42', reducer_enabled: 'false' },
  conferences: {
    fb638965a1a21809: {
      id: 'fb638965a1a21809',
      name: 'jlt-10x3-01@conference.meet.example.org',
      meeting_id: 'cb0619fe',
      endpoints: { '47d1af4b': 'Bot-2', '0a1b2c3d': 'Bot-1' },
      relays: { '10.2.1.7': '10.2.1.7', '10.9.9.9': '10.9.9.9' },
    },
  },
};
const legacyDebug = fixture('jvb-debug.legacy-2022.issue-1819.json');

type Route = { status?: number; type?: string; body: string } | 'hang';
const json = (value: unknown): Route => ({ body: JSON.stringify(value), type: 'application/json' });

/** One loopback server per bridge; each answers from a mutable route table. */
class FakeBridge {
  routes = new Map<string, Route>();
  readonly server: Server;
  private readonly hanging = new Set<() => void>();
  constructor() {
    this.server = createServer((req, res) => {
      const route = this.routes.get(req.url ?? '');
      if (route === 'hang') {
        const done = (): void => void res.destroy();
        this.hanging.add(done);
        res.on('close', () => this.hanging.delete(done));
        return;
      }
      if (!route) return void res.writeHead(404).end();
      res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'text/plain' }).end(route.body);
    });
  }
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async close(): Promise<void> {
    for (const done of this.hanging) done();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function memorySink(): CollectorSink & { s: Sample[]; e: RunEvent[]; p: PlacementRecord[] } {
  const s: Sample[] = [];
  const e: RunEvent[] = [];
  const p: PlacementRecord[] = [];
  return { s, e, p, samples: (x) => void s.push(...x), events: (x) => void e.push(...x), placement: (x) => void p.push(...x) };
}

const logs: string[] = [];
const logger: Logger = { log: (level, message) => void logs.push(`${level} ${message}`) };

describe('startJvbRestCollector', () => {
  const names = ['good', 'peer', 'html', 'truncated', 'wrong-types', 'slow', 'legacy'] as const;
  const bridges = new Map<string, FakeBridge>();
  const urls = new Map<string, string>();
  let refusedUrl = '';

  beforeAll(async () => {
    for (const name of names) {
      const bridge = new FakeBridge();
      bridges.set(name, bridge);
      urls.set(name, await bridge.listen());
    }
    const route = (name: string, stats: Route, debug: Route): void => {
      bridges.get(name)?.routes.set('/colibri/stats', stats);
      bridges.get(name)?.routes.set('/debug', debug);
    };
    route('good', json(loadedStats), json(debugWithConference));
    route('peer', json(peerStats), json({ conferences: {} }));
    route('html', { status: 200, type: 'text/html', body: '<!DOCTYPE html><html><body>nginx login</body></html>' }, { status: 502, body: 'Bad Gateway' });
    route('truncated', { type: 'application/json', body: JSON.stringify(loadedStats).slice(0, 200) }, json([1, 2, 3]));
    route('wrong-types', json({ ...loadedStats, stress_level: 'high', bit_rate_download: null }), json({ conferences: 'none' }));
    route('slow', 'hang', 'hang');
    route('legacy', json(fixture('colibri-stats.legacy-2019.exporter-1.2.3-test-input.json')), json(legacyDebug));
    const closed = new FakeBridge();
    refusedUrl = await closed.listen();
    await closed.close();
  });

  afterAll(async () => {
    await Promise.all([...bridges.values()].map((b) => b.close()));
  });

  it('turns stats into jvb_* gauges, /debug into placement, and every kind of garbage into events', async () => {
    const sink = memorySink();
    const snapshots: DebugSnapshot[] = [];
    const controller = new AbortController();
    let clock = 1_000_000;
    const collector = startJvbRestCollector({
      scenario: '10x3',
      bridges: [
        ...names.map((name) => ({ id: `jvb-${name}`, restUrl: `${urls.get(name)}/` })),
        { id: 'jvb-refused', restUrl: refusedUrl },
      ],
      intervalMs: 1_000,
      now: () => (clock += 1),
      sink,
      logger,
      signal: controller.signal,
      onDebugSnapshot: (s) => void snapshots.push(s),
    });
    try {
      await until(() => Object.values(collector.counts()).every((c) => c.polls >= 3) && sink.s.some((s) => s.tags.bridge === 'jvb-legacy'), 8_000);
    } finally {
      await collector.stop();
    }

    const good = sink.s.filter((s) => s.tags.bridge === 'jvb-good');
    const latest = (metric: string): Sample | undefined => good.filter((s) => s.metric === metric).at(-1);
    expect(latest('jvb_stress')?.value).toBe(0.42);
    expect(latest('jvb_download_kbps')?.value).toBe(1834);
    expect(latest('jvb_upload_kbps')?.value).toBe(5210);
    expect(latest('jvb_relay_send_bps')?.value).toBe(2_400_000);
    expect(latest('jvb_relay_recv_bps')?.value).toBe(1_100_000);
    expect(latest('jvb_local_endpoints')?.value).toBe(2);
    expect(latest('jvb_rtt_ms')?.tags).toEqual({ scenario: '10x3', bridge: 'jvb-good' });
    expect(new Set(good.map((s) => s.metric)).size).toBe(10);

    // Bridges that answered garbage or nothing produced no samples at all: the gap stays visible.
    const sampled = new Set(sink.s.map((s) => s.tags.bridge));
    expect([...sampled].sort()).toEqual(['jvb-good', 'jvb-legacy', 'jvb-peer']);
    // The legacy 2019 payload has no local_endpoints: its participants (all local, no relays) stand in.
    const legacy = sink.s.filter((s) => s.tags.bridge === 'jvb-legacy');
    expect(legacy.filter((s) => s.metric === 'jvb_local_endpoints').map((s) => s.value)).toContain(0);

    const records = sink.p.filter((r) => r.bridge === 'jvb-good');
    const last = records.slice(-2);
    expect(last.map((r) => r.endpoint).sort()).toEqual(['0a1b2c3d', '47d1af4b']);
    expect(last[0]).toMatchObject({ conference: 'jlt-10x3-01', source: 'debug' });
    // 10.2.1.7 is jvb-peer's relay_id; an unknown relay id is kept as is.
    expect(last.at(-1)?.relays).toEqual(['jvb-peer', '10.9.9.9']);
    expect(sink.p.some((r) => r.bridge !== 'jvb-good')).toBe(false);
    expect(snapshots.some((s) => s.bridge === 'jvb-peer' && s.records.length === 0)).toBe(true);
    expect(snapshots.some((s) => s.bridge === 'jvb-legacy')).toBe(true);

    const errors = sink.e.filter((e) => e.kind === 'collector-error');
    const errorFor = (bridge: string, surface: string): RunEvent[] =>
      errors.filter((e) => e.tags?.bridge === bridge && e.meta?.surface === surface);
    expect(errorFor('jvb-html', 'colibri-stats')[0]?.message).toMatch(/not JSON.*DOCTYPE/);
    expect(errorFor('jvb-html', 'debug')[0]?.message).toMatch(/HTTP 502/);
    expect(errorFor('jvb-truncated', 'colibri-stats')[0]?.message).toMatch(/not JSON/);
    expect(errorFor('jvb-truncated', 'debug')[0]?.message).toMatch(/unexpected payload/);
    expect(errorFor('jvb-wrong-types', 'colibri-stats')[0]?.message).toMatch(/key "stress_level"/);
    expect(errorFor('jvb-wrong-types', 'colibri-stats')[0]?.message).toMatch(/key "bit_rate_download"/);
    expect(errorFor('jvb-wrong-types', 'debug')[0]?.message).toMatch(/key "conferences"/);
    expect(errorFor('jvb-slow', 'colibri-stats')[0]?.message).toMatch(/timed out/);
    expect(errorFor('jvb-refused', 'debug')[0]?.message).toMatch(/ECONNREFUSED/);
    expect(errorFor('jvb-refused', 'debug')[0]?.meta?.url).toBe(`${refusedUrl}/debug`);
    // A bridge failing the same way on every poll is reported when its error changes, not once per poll.
    const htmlMessages = errorFor('jvb-html', 'colibri-stats').map((e) => e.message);
    expect(htmlMessages.length).toBeLessThan(collector.counts()['jvb-html']?.failures ?? 0);
    htmlMessages.forEach((message, i) => expect(message).not.toBe(htmlMessages[i - 1]));
    expect(collector.counts()['jvb-good']?.failures).toBe(0);
  });

  it('reads the gauges from /metrics when /colibri/stats answers 404, and says so once', async () => {
    const exporter = new FakeBridge();
    const text = (name: string): string => readFileSync(new URL(`../../../../jitsi/test/fixtures/${name}`, import.meta.url), 'utf8');
    exporter.routes.set('/metrics', { type: 'text/plain; version=0.0.4', body: text('exporter-metrics.systemli-1.4.2.from-jvb-2.3.63.prom.txt') });
    exporter.routes.set('/debug', json({ conferences: {} }));
    const url = await exporter.listen();
    const sink = memorySink();
    const collector = startJvbRestCollector({
      scenario: 's',
      bridges: [{ id: 'jvb-exporter', restUrl: url }],
      // Each poll is three requests (404, /metrics, /debug): at 300 ms polls their 240 ms timeout was
      // too short on a loaded machine, and a timed-out poll counts as a failure.
      intervalMs: 1_000,
      timeoutMs: 900,
      now: Date.now,
      sink,
      logger,
      signal: new AbortController().signal,
    });
    const fromJson = jvbGauges(parseColibriStats(fixture('colibri-stats.jvb-2.3.63.relay-enabled.json')));
    try {
      // Three polls' gauges in the sink (a poll is counted when it starts, its samples arrive after).
      await until(() => sink.s.length >= 3 * Object.keys(fromJson).length, 15_000, 'three polls of gauges');
    } finally {
      await collector.stop();
      await exporter.close();
    }
    const firstPoll = sink.s.slice(0, Object.keys(fromJson).length);
    expect(Object.fromEntries(firstPoll.map((sample) => [sample.metric, sample.value]))).toEqual(fromJson);
    expect(sink.s.length).toBeGreaterThanOrEqual(3 * firstPoll.length);
    expect(sink.e.filter((e) => e.kind === 'collector-fallback').map((e) => e.message)).toEqual([
      `bridge jvb-exporter: ${url}/colibri/stats answered 404 (COLIBRI REST API off?); reading its jvb_* gauges from /metrics`,
    ]);
    expect(sink.e.filter((e) => e.kind === 'collector-error')).toEqual([]);
    expect(collector.counts()['jvb-exporter']?.failures).toBe(0);
  });

  it('reports a bridge that answers again after failing, with the number of failed polls', async () => {
    const bridge = bridges.get('peer') as FakeBridge;
    bridge.routes.set('/colibri/stats', { status: 503, body: '' });
    const sink = memorySink();
    const collector = startJvbRestCollector({
      scenario: 's',
      bridges: [{ id: 'b', restUrl: `http://user:secret@${(urls.get('peer') as string).slice('http://'.length)}` }],
      intervalMs: 500,
      now: Date.now,
      sink,
      logger,
      signal: new AbortController().signal,
    });
    try {
      await until(() => (collector.counts().b?.failures ?? 0) >= 2, 8_000);
      bridge.routes.set('/colibri/stats', json(peerStats));
      await until(() => sink.e.some((e) => e.kind === 'collector-recovered'), 8_000);
    } finally {
      await collector.stop();
    }
    const error = sink.e.find((e) => e.kind === 'collector-error');
    expect(error?.message).toMatch(/HTTP 503 \(empty body\)/);
    expect(JSON.stringify(sink.e)).not.toContain('secret');
    expect(logs.join('\n')).not.toContain('secret');
    expect(sink.e.find((e) => e.kind === 'collector-recovered')?.meta?.failedPolls).toBeGreaterThanOrEqual(2);
    expect(sink.s.length).toBeGreaterThan(0);
  });
});
