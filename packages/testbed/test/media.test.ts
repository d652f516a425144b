import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { parseJvbDebug, placementFromDebug } from '@jlt/jitsi';
import { startTestbed, type Testbed } from '../src/index.js';
import { until } from '@jlt/core/test-support';
import { conferenceStats, framesDecodedByEndpoint, joinRoom, launchChromium, videoStats, waitForVideoFrom, type JoinedParticipant } from './browser.js';
import { getJson, pollUntil } from './ws-client.js';

const silent = { log: () => undefined };

describe('media through the testbed (real Chromium)', () => {
  let browser: Browser;
  const testbeds: Testbed[] = [];
  const participants: JoinedParticipant[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  // Each test's pages close when it ends: Chromium's fake camera is one device per browser, opened at
  // the first page's resolution, so a page left open would set the next test's capture size.
  afterEach(async () => {
    for (const p of participants.splice(0)) await p.context.close().catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    for (const t of testbeds) await t.stop();
  });

  async function join(testbed: Testbed, room: string, name: string, options: Parameters<typeof joinRoom>[4] = {}): Promise<JoinedParticipant> {
    const p = await joinRoom(browser, testbed.url, room, name, options);
    participants.push(p);
    return p;
  }

  it('three participants on one bridge each decode the other two; a late joiner gets video within seconds', async () => {
    const testbed = await startTestbed({ bridges: 1, logger: silent });
    testbeds.push(testbed);
    const a = await join(testbed, 'three', 'Alice');
    const b = await join(testbed, 'three', 'Bob');
    expect(await waitForVideoFrom(a.page, [b.endpointId], 10, 40_000)).toEqual({ [b.endpointId]: expect.any(Number) as number });
    const c = await join(testbed, 'three', 'Carol');
    const joinedAt = Date.now();
    const late = await waitForVideoFrom(c.page, [a.endpointId, b.endpointId], 1, 10_000);
    const lateJoinerFirstFramesMs = Date.now() - joinedAt;
    expect(late[a.endpointId]).toBeGreaterThanOrEqual(1);
    expect(late[b.endpointId]).toBeGreaterThanOrEqual(1);
    expect(lateJoinerFirstFramesMs).toBeLessThan(10_000);
    for (const [self, others] of [
      [a, [b, c]],
      [b, [a, c]],
      [c, [a, b]],
    ] as const) {
      const ids = others.map((o) => o.endpointId);
      const rose = await waitForVideoFrom(self.page, ids, 10, 20_000);
      for (const id of ids) expect(rose[id], `${self.endpointId} decoding ${id}`).toBeGreaterThanOrEqual(10);
    }
    const stats = await pollUntil(() => conferenceStats(c.page), (s) => s.transport.length > 0 && s.bitrate.download > 0, 10_000);
    expect(stats.transport[0]?.ip).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(stats.bitrate.download).toBeGreaterThan(0);
    expect(await c.page.evaluate(() => (window as unknown as { APP: { conference: { membersCount: number } } }).APP.conference.membersCount)).toBe(3);
    process.stdout.write(`late joiner: first frames from both senders after ${lateJoinerFirstFramesMs} ms\n`);
  });

  it("a renegotiation keeps the sender's simulcast encodings as the bridge last asked (a joiner's audio re-offers to the sender)", async () => {
    const testbed = await startTestbed({ bridges: 1, logger: silent });
    testbeds.push(testbed);
    // Stage view in a 640x360 window: each viewer asks for the other's camera at 360p, so the 720p
    // capture's top encoding is off. C sends audio only and keeps A on stage, so A's constraint stays
    // 360p while C's audio makes the bridge re-offer to A.
    const view = { viewport: { width: 640, height: 360 } };
    const stage = 'config.disableTileView=true';
    const a = await join(testbed, 'reneg', 'A', { ...view, hash: ['config.resolution=720', stage] });
    const b = await join(testbed, 'reneg', 'B', { ...view, hash: ['config.resolution=720', stage] });
    const encodings = async (): Promise<string> => JSON.stringify((await videoStats(a.page)).outbound.map((o) => [o.rid, o.active, o.frameHeight]));
    const topActive = async (): Promise<boolean | undefined> => (await videoStats(a.page)).outbound.find((o) => o.rid === '3')?.active;
    const bAsks = (): Promise<unknown> => b.page.evaluate(() => (window as unknown as { APP: { conference: { getReceiverConstraints(): unknown } } }).APP.conference.getReceiverConstraints());
    let seen = '';
    await until(async () => {
      seen = `${await encodings()}; B asks ${JSON.stringify(await bAsks())}`;
      return (await topActive()) === false;
    }, 15_000, () => `A's 720p encoding to go off once B asks for 360p (rid, active, height: ${seen})`);
    const transceivers = (): Promise<{ count: number; stable: boolean }> =>
      a.page.evaluate(() => {
        const pc = (window as unknown as { APP: { conference: { getPeerConnection(): RTCPeerConnection } } }).APP.conference.getPeerConnection();
        return { count: pc.getTransceivers().length, stable: pc.signalingState === 'stable' };
      });
    const before = (await transceivers()).count;
    await join(testbed, 'reneg', 'C', { ...view, hash: ['config.startWithVideoMuted=true', stage] });
    await until(async () => {
      const t = await transceivers();
      return t.stable && t.count > before;
    }, 15_000, "A's renegotiation for C's audio to complete");
    let last = '';
    await until(async () => {
      last = await encodings();
      return (await topActive()) === false;
    }, 5_000, () => `A's 720p encoding to be off again after the renegotiation (rid, active, height: ${last})`);
  });

  it('2 bridges + octo + split: one conference across both bridges delivers every video to every participant', async () => {
    const testbed = await startTestbed({ bridges: 2, octo: true, strategy: 'split', logger: silent, statsIntervalMs: 1000, loadThresholdPps: 200 });
    testbeds.push(testbed);
    const [one, two] = testbed.bridges;
    const a = await join(testbed, 'octo', 'A');
    const b = await join(testbed, 'octo', 'B');
    const c = await join(testbed, 'octo', 'C-recvonly', { prejoin: false, hash: ['config.startWithVideoMuted=true', 'config.startWithAudioMuted=true'] });
    expect(testbed.placement('octo')).toEqual({ [a.endpointId]: 'jvb-1', [b.endpointId]: 'jvb-2', [c.endpointId]: 'jvb-1' });

    expect((await waitForVideoFrom(a.page, [b.endpointId], 10, 40_000))[b.endpointId]).toBeGreaterThanOrEqual(10);
    expect((await waitForVideoFrom(b.page, [a.endpointId], 10, 30_000))[a.endpointId]).toBeGreaterThanOrEqual(10);
    const atC = await waitForVideoFrom(c.page, [a.endpointId, b.endpointId], 10, 40_000);
    const stateC = await c.page.evaluate(() => (window as unknown as { APP: { conference: { getConnectionState(): string } } }).APP.conference.getConnectionState());
    expect(atC[a.endpointId], `receive-only C (ICE ${stateC}) decoding local A`).toBeGreaterThanOrEqual(10);
    expect(atC[b.endpointId], `receive-only C (ICE ${stateC}) decoding relayed B`).toBeGreaterThanOrEqual(10);
    expect(Object.keys(await framesDecodedByEndpoint(a.page))).not.toContain(c.endpointId);

    const ipA = await pollUntil(() => conferenceStats(a.page), (s) => s.transport.length > 0, 10_000);
    const ipB = await pollUntil(() => conferenceStats(b.page), (s) => s.transport.length > 0, 10_000);
    expect(ipA.transport[0]?.ip).toMatch(/^127\.0\.0\.1:/);
    expect(ipB.transport[0]?.ip).toMatch(/^127\.0\.0\.2:/);

    const debugOne = placementFromDebug(parseJvbDebug(await getJson(`${one?.restUrl}/debug`)), 'jvb-1');
    const debugTwo = placementFromDebug(parseJvbDebug(await getJson(`${two?.restUrl}/debug`)), 'jvb-2');
    expect(debugOne.conferences[0]).toMatchObject({ endpoints: [a.endpointId, c.endpointId].sort(), relays: ['jvb-2'] });
    expect(debugTwo.conferences[0]).toMatchObject({ endpoints: [b.endpointId], relays: ['jvb-1'] });

    const sending = (s: Record<string, unknown>): boolean =>
      Number(s.octo_send_bitrate) > 0 && Number(s.octo_receive_bitrate) > 0 && Number(s.bit_rate_download) > 0 && Number(s.bit_rate_upload) > 0;
    const statsOne = await pollUntil(() => getJson(`${one?.restUrl}/colibri/stats`), sending, 10_000);
    const statsTwo = await pollUntil(() => getJson(`${two?.restUrl}/colibri/stats`), sending, 10_000);
    for (const stats of [statsOne, statsTwo]) {
      expect(sending(stats)).toBe(true);
      expect(stats).toMatchObject({ conferences: 1, endpoints: 3, octo_conferences: 1 });
      expect(Number(stats.stress_level)).toBeGreaterThan(0.1);
      expect(Number(stats.total_bytes_received_octo)).toBeGreaterThan(0);
    }
    expect(statsOne).toMatchObject({ local_endpoints: 2, octo_endpoints: 1, receive_only_endpoints: 1, endpoints_sending_video: 1 });
    expect(statsTwo).toMatchObject({ local_endpoints: 1, octo_endpoints: 2, receive_only_endpoints: 0, endpoints_sending_video: 1 });
    process.stdout.write(`octo: jvb-1 ${JSON.stringify(pick(statsOne))}\nocto: jvb-2 ${JSON.stringify(pick(statsTwo))}\n`);
  });
});

function pick(s: Record<string, unknown>): Record<string, unknown> {
  const keys = ['bit_rate_download', 'bit_rate_upload', 'packet_rate_download', 'packet_rate_upload', 'octo_send_bitrate', 'octo_receive_bitrate', 'stress_level', 'rtt_aggregate'];
  return Object.fromEntries(keys.map((k) => [k, s[k]]));
}
