import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareKeyTypes, jsonTypeOf, parseColibriStats, parseJvbDebug, parseJvbVersion, placementFromDebug, type JsonTypeName } from '@jlt/jitsi';
import { startTestbed, type Testbed } from '../src/index.js';
import { getJson, pollUntil, SignallingClient } from './ws-client.js';

const silent = { log: () => undefined };
const sampleFile = new URL('../../jitsi/test/fixtures/colibri-stats.jvb-2.3.63.relay-enabled.json', import.meta.url);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe('bridge REST surfaces', () => {
  let testbed: Testbed;
  const clients: SignallingClient[] = [];

  beforeAll(async () => {
    testbed = await startTestbed({ bridges: 2, octo: true, strategy: 'split', logger: silent, statsIntervalMs: 500 });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await testbed?.stop();
  });

  it('gives each bridge its id, REST port and loopback media address', () => {
    expect(testbed.bridges.map((b) => [b.id, b.mediaAddress])).toEqual([
      ['jvb-1', '127.0.0.1'],
      ['jvb-2', '127.0.0.2'],
    ]);
    expect(new Set(testbed.bridges.map((b) => b.restUrl)).size).toBe(2);
  });

  it('/colibri/stats has every top-level key of the real JVB 2.3.63 sample with the same JSON type', async () => {
    const sample = JSON.parse(readFileSync(sampleFile, 'utf8')) as Record<string, unknown>;
    const reference = Object.fromEntries(Object.entries(sample).map(([k, v]) => [k, jsonTypeOf(v)])) as Record<string, JsonTypeName>;
    expect(Object.keys(reference).length).toBeGreaterThan(70);
    for (const bridge of testbed.bridges) {
      const stats = await getJson(`${bridge.restUrl}/colibri/stats`);
      expect(compareKeyTypes(stats, reference)).toEqual([]);
      expect(stats.relay_id).toBe(bridge.id);
      expect(() => parseColibriStats(stats)).not.toThrow();
    }
  });

  it('/about/health, /about/version, unknown paths', async () => {
    const url = testbed.bridges[0]?.restUrl ?? '';
    const health = await fetch(`${url}/about/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toBe('application/json');
    expect(parseJvbVersion(await getJson(`${url}/about/version`)).name).toBe('JVB');
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    expect((await fetch(`${url}/colibri/stats`, { method: 'POST' })).status).toBe(405);
  });

  it('/debug shows each bridge its local endpoints and the relay of a split conference', async () => {
    const a = await SignallingClient.connect(testbed.url);
    const b = await SignallingClient.connect(testbed.url);
    clients.push(a, b);
    a.send({ type: 'join', room: 'Debug Room', displayName: 'A', sendAudio: false, sendVideo: false });
    const joinedA = await a.next('joined');
    b.send({ type: 'join', room: 'debug-room', displayName: 'B', sendAudio: false, sendVideo: false });
    const joinedB = await b.next('joined');
    expect(joinedA.room).toBe('debug-room');
    expect([joinedA.bridgeId, joinedB.bridgeId]).toEqual(['jvb-1', 'jvb-2']);
    expect(joinedA.conferenceId).toBe(joinedB.conferenceId);
    const [first, second] = testbed.bridges;
    const one = placementFromDebug(parseJvbDebug(await getJson(`${first?.restUrl}/debug`)), 'jvb-1');
    const two = placementFromDebug(parseJvbDebug(await getJson(`${second?.restUrl}/debug`)), 'jvb-2');
    expect(one.conferences).toEqual([
      { id: joinedA.conferenceId, name: 'debug-room@conference.testbed.jlt', meetingId: expect.any(String) as string, endpoints: [joinedA.endpointId], relays: ['jvb-2'] },
    ]);
    expect(two.conferences[0]).toMatchObject({ endpoints: [joinedB.endpointId], relays: ['jvb-1'] });
    const stats = await getJson(`${second?.restUrl}/colibri/stats`);
    expect(stats).toMatchObject({ conferences: 1, local_endpoints: 1, endpoints: 2, octo_endpoints: 1, octo_conferences: 1, largest_conference: 2 });
    expect(testbed.placement('debug-room')).toEqual({ [joinedA.endpointId as string]: 'jvb-1', [joinedB.endpointId as string]: 'jvb-2' });
  });

  it('Prometheus scrapes every bridge and returns a jitsi_jvb_* value through its HTTP API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jlt-prometheus-'));
    const port = await freePort();
    const targets = testbed.bridges.map((b) => `'${new URL(b.restUrl).host}'`).join(', ');
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: jvb\n    static_configs:\n      - targets: [${targets}]\n`,
    );
    let prometheus: ChildProcess | undefined;
    try {
      prometheus = spawn('/usr/bin/prometheus', [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ], { stdio: 'ignore' });
      const query = async (promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`);
          if (!res.ok) return [];
          const body = (await res.json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
          return body.data.result;
        } catch {
          return [];
        }
      };
      const result = await pollUntil(() => query('jitsi_jvb_local_endpoints'), (r) => r.length === 2, 30_000, 500);
      const byInstance: Record<string, number> = Object.fromEntries(result.map((r) => [r.metric.instance ?? '', Number(r.value[1])]));
      expect(byInstance).toEqual(Object.fromEntries(testbed.bridges.map((b) => [new URL(b.restUrl).host, 1])));
      const memory = await pollUntil(() => query('process_resident_memory_bytes'), (r) => r.length === 2, 10_000, 500);
      expect(Number(memory[0]?.value[1])).toBeGreaterThan(10 * 1024 * 1024);
      const relays = await query('jitsi_jvb_relays_total');
      expect(relays.map((r) => Number(r.value[1]))).toEqual([1, 1]);
    } finally {
      if (prometheus && prometheus.exitCode === null) {
        const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
        prometheus.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
