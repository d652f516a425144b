import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectSchema, JltError, type Logger, type PlacementRecord, type RunEvent, type Sample } from '@jlt/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandRunner } from './command-runner.js';
import { startServerCollectors } from './server-collectors.js';
import { until } from '@jlt/core/test-support';

const stats = JSON.parse(readFileSync(new URL('../../../../jitsi/test/fixtures/colibri-stats.jvb-2.3.63.relay-enabled.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** A bridge hosting endpoints of conference `room-01`, relayed to the other bridge. */
function debugOf(endpoints: string[], relay: string) {
  return {
    shutdown_state: 'RUNNING',
    drain: false,
    time: Date.now(),
    load_management: { state: 'NOT_OVERLOADED', stress: '0.01', reducer_enabled: 'false' },
    conferences: { '1f2e3d4c5b6a7988': { id: '1f2e3d4c5b6a7988', name: 'room-01@conference.meet.jitsi', meeting_id: 'm1', endpoints: Object.fromEntries(endpoints.map((e) => [e, e])), relays: { [relay]: relay } } },
  };
}

const logger: Logger = { log: () => {} };

describe('startServerCollectors', () => {
  const servers: Server[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    const bridges = [
      { relayId: '10.0.0.1', endpoints: ['aa11bb22', 'cc33dd44'], peer: '10.0.0.2' },
      { relayId: '10.0.0.2', endpoints: ['ee55ff66'], peer: '10.0.0.1' },
    ];
    for (const bridge of bridges) {
      const server = createServer((req, res) => {
        const body = req.url === '/debug' ? debugOf(bridge.endpoints, bridge.peer) : { ...stats, relay_id: bridge.relayId, local_endpoints: bridge.endpoints.length };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it('collects gauges and placement from testbed bridges and checks bots against /debug', async () => {
    const samples: Sample[] = [];
    const events: RunEvent[] = [];
    const placement: PlacementRecord[] = [];
    const collectors = await startServerCollectors({
      scenario: 'octo-smoke',
      collect: collectSchema.parse({ jvb: { interval: '300ms' } }),
      bridges: { kind: 'testbed', bridges: [{ id: 'jvb-1', restUrl: urls[0] as string, mediaAddress: '127.0.0.1' }, { id: 'jvb-2', restUrl: urls[1] as string, mediaAddress: '127.0.0.2' }] },
      env: {},
      now: Date.now,
      sink: { samples: (s) => void samples.push(...s), events: (e) => void events.push(...e), placement: (p) => void placement.push(...p) },
      logger,
      signal: new AbortController().signal,
    });
    try {
      expect(collectors.bridges.map((b) => b.id)).toEqual(['jvb-1', 'jvb-2']);
      // Bot c01-p03 (endpoint ee55ff66) believes it is on 127.0.0.1 = jvb-1, but jvb-2's /debug lists it.
      collectors.placement.observeBotSamples([
        { metric: 'webrtc_rtt_ms', value: 3, time: Date.now(), tags: { conference: 'room-01', bridge: '127.0.0.1' }, meta: { bot: 'c01-p01', endpoint: 'aa11bb22' } },
        { metric: 'webrtc_rtt_ms', value: 3, time: Date.now(), tags: { conference: 'room-01', bridge: '127.0.0.1' }, meta: { bot: 'c01-p03', endpoint: 'ee55ff66' } },
      ]);
      // Polls of /debug and /colibri/stats run independently: on a loaded machine the mismatch (from
      // /debug) can come before the first stats poll, and relay ids map to bridges only after it, so wait for all.
      await until(
        () =>
          events.some((e) => e.kind === 'placement-mismatch') &&
          samples.some((s) => s.metric === 'jvb_local_endpoints' && s.tags.bridge === 'jvb-1') &&
          placement.some((r) => r.source === 'debug' && r.endpoint === 'ee55ff66' && r.relays?.includes('jvb-1')),
        8_000,
      );
    } finally {
      await collectors.stop();
    }
    expect(samples.find((s) => s.metric === 'jvb_local_endpoints' && s.tags.bridge === 'jvb-1')?.value).toBe(2);
    // Relay ids map to bridge ids once the peer's /colibri/stats (relay_id) has been read.
    expect(placement.filter((r) => r.source === 'debug' && r.endpoint === 'ee55ff66').at(-1)).toMatchObject({ bridge: 'jvb-2', conference: 'room-01', relays: ['jvb-1'] });
    expect(collectors.placement.splitConferences()[0]).toMatchObject({ conference: 'room-01', bridges: ['jvb-1', 'jvb-2'] });
    expect(events.filter((e) => e.kind === 'placement-mismatch').map((e) => e.meta?.bot)).toEqual(['c01-p03']);
    expect(collectors.placement.summary()).toMatchObject({ conferences: 1, splitConferences: 1, mismatches: 1 });
    await collectors.stop();
  });

  it('does nothing, and starts no kubectl, when collect names neither jvb nor prometheus', async () => {
    const calls: string[] = [];
    const runner: CommandRunner = {
      run: async (c) => (calls.push(c), { stdout: '', stderr: '', exitCode: 1 }),
      spawn: () => {
        throw new Error('not reached');
      },
    };
    const collectors = await startServerCollectors({
      scenario: 's',
      collect: collectSchema.parse(undefined),
      bridges: { kind: 'kubernetes', namespace: 'jitsi', release: 'j' },
      runner,
      env: {},
      now: Date.now,
      sink: { samples: () => {}, events: () => {}, placement: () => {} },
      logger,
      signal: new AbortController().signal,
    });
    await collectors.stop();
    expect(calls).toEqual([]);
    expect(collectors.counts()).toEqual({});
  });

  it('fails at start when a Prometheus credential variable is missing and leaves nothing running', async () => {
    const start = startServerCollectors({
      scenario: 's',
      collect: collectSchema.parse({ jvb: {}, prometheus: { url: 'http://127.0.0.1:9', auth: { bearerTokenEnv: 'JLT_TEST_TOKEN' } } }),
      bridges: { kind: 'urls', urls },
      env: {},
      now: Date.now,
      sink: { samples: () => {}, events: () => {}, placement: () => {} },
      logger,
      signal: new AbortController().signal,
    });
    await expect(start).rejects.toThrow(JltError);
    await expect(start).rejects.toThrow(/JLT_TEST_TOKEN/);
  });
});
